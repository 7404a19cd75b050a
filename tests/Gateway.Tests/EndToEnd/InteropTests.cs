using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// A client library none of us wrote (npm <c>oauth4webapi</c>, see tests/Interop/README.md) discovers
/// and drives a real gateway: metadata, client credentials, authorization code + PKCE (confidential and
/// public clients, the user played with plain fetch on the sign-in and consent pages), refresh with
/// rotation and reuse detection, introspection, revocation. The node files register their own users and
/// clients through the admin API; this class only provides the gateway, the admin key and one
/// client-credentials client with the introspection permission (the resource server).
/// </summary>
public sealed class InteropTests : IAsyncLifetime
{
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TimeTravelsUpstream.StartAsync();
        // No grace window: a rotated refresh token presented again is reuse at once (refresh.test.mjs).
        _gateway = await GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'), "--OAuth:RefreshTokenReuseGrace=0");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task Oauth4webapi_RunsEveryInteropFlow()
    {
        using var http = _gateway.CreateClient();
        // The resource server's client: it may introspect (introspection: true); the apps the node files register may not.
        var client = await CreateClientFromMetadataAsync(http, """{"client_name":"interop resource server","scope":"view book","introspection":true}""");
        var folder = Path.Combine(ExternalTool.RepositoryRoot(), "tests", "Interop");
        await ExternalTool.EnsureNpmPackagesAsync(folder, "oauth4webapi");

        var run = await ExternalTool.RunAsync("node", ["--test"], folder, new Dictionary<string, string>
        {
            ["FASTGATEWAY_BASE_URL"] = _gateway.BaseAddress.GetLeftPart(UriPartial.Authority),
            ["FASTGATEWAY_CLIENT_ID"] = client.ClientId,
            ["FASTGATEWAY_CLIENT_SECRET"] = client.ClientSecret,
            ["FASTGATEWAY_ADMIN_KEY"] = GatewayProcess.AdminKey,
            ["FASTGATEWAY_REFRESH_REUSE_GRACE"] = "0",
        });

        Assert.True(run.ExitCode == 0, $"node --test failed ({run.ExitCode}):\n{run.Output}\n--- gateway log ---\n{_gateway.Output}");
    }
}
