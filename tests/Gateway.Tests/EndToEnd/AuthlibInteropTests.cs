using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// A second client library none of us wrote, in another language: Debian's <c>python3-authlib</c> (Authlib's requests
/// integration, <c>OAuth2Session</c>) drives a real gateway through the client-credentials, password (confidential
/// client) and refresh grants, introspection and revocation (tests/Interop/authlib/test_authlib.py). Needs Debian's
/// python3-authlib and python3-requests: <c>./test</c> installs them when missing.
/// </summary>
public sealed class AuthlibInteropTests : IAsyncLifetime
{
    /// <summary>Debian's interpreter: its dist-packages hold python3-authlib, whatever python3 comes first on PATH.</summary>
    private const string Python = "/usr/bin/python3";

    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TimeTravelsUpstream.StartAsync();
        // No grace window: a rotated refresh token presented again is reuse at once (the refresh test).
        _gateway = await GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'), "--OAuth:RefreshTokenReuseGrace=0");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _storage.Dispose();
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
