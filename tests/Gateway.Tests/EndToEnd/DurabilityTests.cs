using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// Nothing acknowledged is lost: tokens and clients survive a graceful restart and a <c>kill -9</c>
/// right after they were acknowledged, on the same Storage:Path (real processes, real FASTER files).
/// </summary>
[Trait(GatewayProcess.NativeTrait, GatewayProcess.NativeTraitValue)] // also run against the Native AOT binary (.ci/aot-smoke)
public sealed class DurabilityTests : IAsyncLifetime
{
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;

    private string UpstreamUrl => _upstream.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync() => _upstream = await TimeTravelsUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task Token_SurvivesGracefulRestart()
    {
        ClientCredentials client;
        string token;
        await using (var first = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl))
        {
            using var http = first.CreateClient();
            client = await CreateClientAsync(http, "view");
            token = await GetTokenAsync(http, client);
            await first.StopAsync();
        }

        await using var second = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl);
        using var again = second.CreateClient();
        using var response = await again.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.True(response.StatusCode == HttpStatusCode.OK, second.Output);
        // The client persisted too: its secret still works.
        await GetTokenAsync(again, client);
    }

    [Fact]
    public async Task Tokens_SurviveKill9RightAfterTheirResponses()
    {
        ClientCredentials client;
        string[] tokens;
        var first = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl);
        try
        {
            using var http = first.CreateClient();
            client = await CreateClientAsync(http, "view book");
            // Concurrent requests share group commits; every one that got a 200 must survive.
            tokens = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => GetTokenAsync(http, client, "view")));
            first.KillHard();
        }
        finally
        {
            first.KillHard();
            await first.DisposeAsync();
        }

        await using var second = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl);
        using var again = second.CreateClient();
        foreach (var token in tokens)
        {
            using var response = await again.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"a token acknowledged before kill -9 was lost\n{second.Output}");
        }

        await GetTokenAsync(again, client);
    }

    [Fact]
    public async Task SecondGatewayOnSameStoragePath_ExitsWithClearError()
    {
        await using var first = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl);

        var (exitCode, output) = await GatewayProcess.RunToExitAsync(
            "--urls=http://127.0.0.1:0", $"--Storage:Path={_storage.Path}", $"--Upstreams:timetravels={UpstreamUrl}", "--Storage:LockTimeout=1");

        Assert.Equal(2, exitCode);
        Assert.Contains("in use by another process (waited 1 s, Storage:LockTimeout)", output, StringComparison.Ordinal);
    }
}
