using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// Behind a TLS-terminating load balancer (<c>ForwardedHeaders:KnownProxies</c>, <c>ForwardedHeaders:KnownNetworks</c>):
/// the test client on loopback plays the balancer, trusted or not; the recording upstream shows what the gateway forwards.
/// </summary>
public sealed class TrustedProxyTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly RecordingUpstream _upstream = new();

    public void Dispose()
    {
        _upstream.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task TrustedProxy_ForwardedProtoHttps_PassesRequireHttps()
    {
        await using var gateway = await StartAsync("--OAuth:RequireHttps=true", "--ForwardedHeaders:KnownProxies:0=127.0.0.1");
        using var http = gateway.CreateClient();
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        var client = await CreateClientAsync(http, "view");
        using var token = await RequestTokenAsync(http, client);
        using var metadata = await http.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    [Theory]
    [InlineData("--ForwardedHeaders:KnownProxies:0=10.9.8.7")]
    [InlineData("--ForwardedHeaders:KnownNetworks:0=10.0.0.0/8")]
    [InlineData("--Logging:LogLevel:Default=Information")] // none configured: forwarded fields are believed from no one
    public async Task UntrustedPeer_ForwardedProtoHttps_StillRefusedByRequireHttps(string trust)
    {
        await using var gateway = await StartAsync("--OAuth:RequireHttps=true", trust);
        using var http = gateway.CreateClient();
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var metadata = await http.GetAsync("/.well-known/oauth-authorization-server");
        using var admin = await http.GetAsync("/admin/v1/clients");

        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, admin.StatusCode);
    }

    [Fact]
    public async Task TrustedProxy_UpstreamSeesTheClientAddress_SpoofedEntriesIgnored()
    {
        await using var gateway = await StartAsync("--ForwardedHeaders:KnownProxies=127.0.0.1");
        using var http = gateway.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"));

        // 198.51.100.1 is what the client wrote itself; the balancer (loopback, trusted) appended the address it saw.
        using var request = Api(HttpMethod.Get, "/timetravels/bookings", token);
        request.Headers.Add("X-Forwarded-For", "198.51.100.1, 203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_upstream.Requests);
        Assert.Equal(["203.0.113.7"], forwarded.Values("X-Forwarded-For"));
        Assert.Equal(["https"], forwarded.Values("X-Forwarded-Proto"));
        Assert.DoesNotContain(forwarded.Fields, field => field.Key.Contains("Original", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TrustedChain_UpstreamSeesTheFirstUntrustedAddress()
    {
        // Two trusted hops (a CDN in 203.0.113.0/24, then the balancer on loopback), as nginx's real_ip_recursive.
        await using var gateway = await StartAsync("--ForwardedHeaders:KnownProxies:0=127.0.0.1", "--ForwardedHeaders:KnownNetworks:0=203.0.113.0/24");
        using var http = gateway.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"));

        using var request = Api(HttpMethod.Get, "/timetravels/bookings", token);
        request.Headers.Add("X-Forwarded-For", "192.0.2.99, 198.51.100.1, 203.0.113.7");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["198.51.100.1"], Assert.Single(_upstream.Requests).Values("X-Forwarded-For"));
    }

    [Fact]
    public async Task UntrustedPeer_UpstreamSeesThePeerAddress()
    {
        await using var gateway = await StartAsync("--ForwardedHeaders:KnownProxies:0=10.9.8.7");
        using var http = gateway.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"));

        using var request = Api(HttpMethod.Get, "/timetravels/bookings", token);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_upstream.Requests);
        Assert.Equal(["127.0.0.1"], forwarded.Values("X-Forwarded-For"));
        Assert.Equal(["http"], forwarded.Values("X-Forwarded-Proto"));
    }

    [Theory]
    [InlineData("--ForwardedHeaders:KnownProxies:0=lb.internal", "ForwardedHeaders:KnownProxies: 'lb.internal' is not an IP address")]
    [InlineData("--ForwardedHeaders:KnownNetworks=10.0.0.0/33", "ForwardedHeaders:KnownNetworks: '10.0.0.0/33' is not a CIDR prefix")]
    public async Task InvalidTrustedProxy_StopsTheStartWithExit2(string argument, string message)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(
            "--urls=http://127.0.0.1:0", $"--Storage:Path={Path.Combine(_folder.Path, "data")}", $"--Upstreams:timetravels={_upstream.Url}", argument);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"fastgateway: {message}", AdminListenerTests.ErrorLine(output), StringComparison.Ordinal);
    }

    private Task<GatewayProcess> StartAsync(params string[] extraArgs) =>
        GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), _upstream.Url, extraArgs);
}
