using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>Upstream down -> 502, upstream silent -> 504, misconfiguration -> a clear startup error.</summary>
public sealed class UpstreamFailureTests : IDisposable
{
    private readonly TempFolder _storage = new();

    public void Dispose() => _storage.Dispose();

    [Fact]
    public async Task UpstreamDown_Returns502Json()
    {
        await using var gateway = await GatewayProcess.StartAsync(_storage.Path, BrokenUpstreams.Closed());
        using var http = gateway.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"));

        using var response = await http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("bad_gateway", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task UpstreamSilent_Returns504JsonAfterProxyTimeout()
    {
        using var silent = new BrokenUpstreams.Silent();
        await using var gateway = await GatewayProcess.StartAsync(_storage.Path, silent.Url, "--Proxy:Timeout=1");
        using var http = gateway.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"));

        using var response = await http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("gateway_timeout", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task RequireHttpsDefault_RefusesTokenRequestsOverPlainHttp()
    {
        await using var gateway = await GatewayProcess.StartAsync(_storage.Path, BrokenUpstreams.Closed(), "--OAuth:RequireHttps=true");
        using var http = gateway.CreateClient();

        // Refused before the client is authenticated: no client needs to exist (the admin API is under RequireHttps too).
        using var response = await RequestTokenAsync(http, new ClientCredentials("c", "s"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Contains("HTTPS", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingUpstreamConfiguration_ExitsWithClearError()
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync("--urls=http://127.0.0.1:0", $"--Storage:Path={_storage.Path}");

        Assert.Equal(2, exitCode);
        Assert.Contains("Upstreams:timetravels is not configured", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApiWithoutKey_IsOffNotOpen()
    {
        await using var gateway = await GatewayProcess.StartAsync(_storage.Path, BrokenUpstreams.Closed(), "--Admin:ApiKey=");
        using var http = gateway.CreateClient();

        using var response = await http.PostAsync("/admin/v1/clients", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("admin_api_disabled", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }
}
