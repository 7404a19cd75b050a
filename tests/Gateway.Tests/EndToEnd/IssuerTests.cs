using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>The issuer identifier (RFC 8414 section 2): <c>OAuth:Issuer</c>, validated at start, never the request's Host.</summary>
public sealed class IssuerTests : IDisposable
{
    private const string UnsetWarning = "OAuth:Issuer is not set";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ConfiguredIssuer_IsTheMetadataIssuer_WhateverTheHostField()
    {
        await using var gateway = await StartAsync("--OAuth:Issuer=https://auth.example.com");
        using var http = gateway.CreateClient();

        var plain = await MetadataAsync(http, host: null);
        var planted = await MetadataAsync(http, host: "attacker.example.net");

        foreach (var body in (System.Text.Json.JsonElement[])[plain, planted])
        {
            Assert.Equal("https://auth.example.com", body.GetProperty("issuer").GetString());
            Assert.Equal("https://auth.example.com/oauth2/token", body.GetProperty("token_endpoint").GetString());
        }

        Assert.DoesNotContain(UnsetWarning, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsetIssuer_WarnsAtStart_AndTheHostFieldDoesNotChangeIt()
    {
        await using var gateway = await StartAsync();
        using var http = gateway.CreateClient();

        var planted = await MetadataAsync(http, host: "attacker.example.net");

        Assert.Contains(UnsetWarning, gateway.Output, StringComparison.Ordinal);
        Assert.Equal(gateway.BaseAddress.GetLeftPart(UriPartial.Authority), planted.GetProperty("issuer").GetString());
        Assert.DoesNotContain("attacker", planted.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsetIssuer_IsNeverTheAdminListener()
    {
        var port = AdminListenerTests.FreePort();
        await using var gateway = await StartAsync($"--Admin:Urls=http://127.0.0.1:{port}");
        using var http = gateway.CreateClient();

        var body = await MetadataAsync(http, host: null);

        Assert.Equal(gateway.BaseAddress.GetLeftPart(UriPartial.Authority), body.GetProperty("issuer").GetString());
    }

    [Theory]
    [InlineData("http://auth.example.com", "must be an https URL")]
    [InlineData("https://auth.example.com/?tenant=a", "must have no query and no fragment")]
    [InlineData("https://auth.example.com/#top", "must have no query and no fragment")]
    [InlineData("https://admin@auth.example.com", "must have no user information")]
    [InlineData("auth.example.com", "is not an absolute http(s) URL")]
    public async Task InvalidIssuer_StopsTheStartWithExit2(string issuer, string problem)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(
            "--urls=http://127.0.0.1:0", $"--Storage:Path={Path.Combine(_folder.Path, "data")}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}",
            "--OAuth:RequireHttps=true", $"--OAuth:Issuer={issuer}");

        Assert.Equal(2, exitCode);
        var line = AdminListenerTests.ErrorLine(output);
        Assert.StartsWith("fastgateway: OAuth:Issuer: ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
    }

    private static async Task<System.Text.Json.JsonElement> MetadataAsync(HttpClient http, string? host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-authorization-server");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private Task<GatewayProcess> StartAsync(params string[] extraArgs) =>
        GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), extraArgs);
}
