using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// Client libraries none of us wrote drive a real gateway. npm <c>oauth4webapi</c> (see tests/Interop/README.md) discovers
/// and drives it: metadata, client credentials, authorization code + PKCE (confidential and
/// public clients, the user played with plain fetch on the sign-in and consent pages), refresh with
/// rotation and reuse detection, introspection, revocation. The node files register their own users and
/// clients through the admin API; this class only provides the gateway, the admin key and one
/// client-credentials client with the introspection permission (the resource server). Debian's <c>python3-authlib</c>
/// (Authlib's requests integration, <c>OAuth2Session</c>), in another language, drives the client-credentials,
/// password (confidential client) and refresh grants, introspection and revocation (tests/Interop/authlib/test_authlib.py);
/// <c>./test</c> installs python3-authlib and python3-requests when missing.
/// </summary>
public sealed class InteropTests : IAsyncLifetime
{
    /// <summary>Debian's interpreter: its dist-packages hold python3-authlib, whatever python3 comes first on PATH.</summary>
    private const string Python = "/usr/bin/python3";

    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TimeTravelsUpstream.StartAsync();
        // No grace window (the default): a rotated refresh token presented again is reuse at once (the refresh tests).
        _gateway = await GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'));
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

    [Fact]
    public async Task Authlib_RunsPasswordRefreshAndClientCredentialsFlows()
    {
        var check = await ExternalTool.RunAsync(Python, ["-c", "import authlib, requests; print(authlib.__version__)"], AppContext.BaseDirectory);
        Assert.True(check.ExitCode == 0, $"Debian's python3-authlib and python3-requests are needed (./test installs them: apt-get install python3-authlib python3-requests):\n{check.Output}");

        var folder = Path.Combine(ExternalTool.RepositoryRoot(), "tests", "Interop", "authlib");
        var run = await ExternalTool.RunAsync(Python, ["-m", "unittest", "-v", "test_authlib"], folder, new Dictionary<string, string>
        {
            ["FASTGATEWAY_BASE_URL"] = _gateway.BaseAddress.GetLeftPart(UriPartial.Authority),
            ["FASTGATEWAY_ADMIN_KEY"] = GatewayProcess.AdminKey,
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        });

        Assert.True(run.ExitCode == 0, $"Authlib {check.Output.Trim()} failed ({run.ExitCode}):\n{run.Output}\n--- gateway log ---\n{_gateway.Output}");
        Assert.Contains("Ran 8 tests", run.Output, StringComparison.Ordinal);
    }
}
