using System.Net;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.EndToEnd;

/// <summary>Configuration checked at start: an out-of-range value stops the process with exit 2 and one line naming the key.</summary>
public sealed class ConfigurationValidationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task NegativeAccessTokenLifetime_StopsTheStartWithExit2_NamingKeyAndRange()
    {
        var (exitCode, output) = await RunAsync("--OAuth:AccessTokenLifetime=-5");

        Assert.Equal(2, exitCode);
        Assert.Equal("fastgateway: OAuth:AccessTokenLifetime must be -1 (never expires) or 1 to 31536000 seconds", AdminListenerTests.ErrorLine(output));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "data")), "nothing is opened before the configuration is checked");
    }

    [Theory]
    [InlineData("--OAuth:AccessTokenLifetime=0", "OAuth:AccessTokenLifetime must be")]
    [InlineData("--OAuth:AuthorizationCodeLifetime=601", "OAuth:AuthorizationCodeLifetime must be 1 to 600 seconds")]
    [InlineData("--OAuth:RefreshTokenLifetime=0", "OAuth:RefreshTokenLifetime must be -1 (never expires) or a positive number of seconds")]
    [InlineData("--OAuth:RefreshTokenReuseGrace=-1", "OAuth:RefreshTokenReuseGrace must be 0 (no grace) to 3600 seconds")]
    [InlineData("--Storage:MemorySizeBytes=1024", "Storage:MemorySizeBytes must be at least 65536 bytes")]
    [InlineData("--Storage:ReadCacheMemorySizeBytes=-1", "Storage:ReadCacheMemorySizeBytes must be 0 (off) or at least 65536 bytes")]
    [InlineData("--Storage:SweepInterval=-1", "Storage:SweepInterval must be 0 (off) to 2147483 seconds")]
    [InlineData("--Proxy:Timeout=0", "Proxy:Timeout must be 0.001 to 2147483 seconds")]
    [InlineData("--Proxy:ConnectTimeout=-1", "Proxy:ConnectTimeout must be 0.001 to 2147483 seconds")]
    [InlineData("--Proxy:IdleTimeout=99999999", "Proxy:IdleTimeout must be 0.001 to 2147483 seconds")]
    public async Task OutOfRangeValue_StopsTheStartWithExit2_NamingTheKey(string argument, string message)
    {
        var (exitCode, output) = await RunAsync(argument);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"fastgateway: {message}", AdminListenerTests.ErrorLine(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralBadValues_AllNamedOnOneLine()
    {
        var (exitCode, output) = await RunAsync("--OAuth:AccessTokenLifetime=-5", "--Proxy:Timeout=0");

        Assert.Equal(2, exitCode);
        var line = AdminListenerTests.ErrorLine(output);
        Assert.Contains("OAuth:AccessTokenLifetime", line, StringComparison.Ordinal);
        Assert.Contains("Proxy:Timeout", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BoundaryValues_Start()
    {
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(),
            "--OAuth:AccessTokenLifetime=-1", "--OAuth:RefreshTokenLifetime=-1", "--OAuth:RefreshTokenReuseGrace=0", "--Storage:ReadCacheMemorySizeBytes=0",
            "--Storage:SweepInterval=0", "--Proxy:Timeout=0.5");
        using var http = gateway.CreateClient();

        using var health = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] extra) => GatewayProcess.RunToExitAsync(
        ["--urls=http://127.0.0.1:0", $"--Storage:Path={Path.Combine(_folder.Path, "data")}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}", .. extra]);
}
