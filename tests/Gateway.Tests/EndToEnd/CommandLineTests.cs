using System.Diagnostics;
using System.Text.RegularExpressions;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The gateway's command line on the real FastGateway.dll: --help, --version, check, and the start-time refusal of
/// unknown keys and malformed configuration files. None of them may open the data folder.
/// </summary>
public sealed partial class CommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A Storage:Path that does not exist: each test asserts it still does not afterwards.</summary>
    private string DataFolder => Path.Combine(_folder.Path, "data");

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_PrintsCommandsAndConfigurationSources_Exit0_DataFolderUntouched(string option)
    {
        var (exitCode, stdout, _) = await RunAsync(option, $"--Storage:Path={DataFolder}");

        Assert.Equal(0, exitCode);
        Assert.Contains("check", stdout, StringComparison.Ordinal);
        Assert.Contains("definition", stdout, StringComparison.Ordinal);
        Assert.Contains("appsettings.json", stdout, StringComparison.Ordinal);
        Assert.Contains("OAuth__AccessTokenLifetime", stdout, StringComparison.Ordinal);
        Assert.Contains("--OAuth:AccessTokenLifetime=600", stdout, StringComparison.Ordinal);
        Assert.Contains("--urls", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataFolder), "--help must not create or open the data folder");
    }

    [Fact]
    public async Task Version_PrintsVersionAndTheCommitItWasBuiltFrom()
    {
        var (exitCode, stdout, _) = await RunAsync("--version", $"--Storage:Path={DataFolder}");

        Assert.Equal(0, exitCode);
        var match = VersionLine().Match(stdout.Trim());
        Assert.True(match.Success, $"expected 'FastGateway <version>+<40 hex digits>', got: {stdout}");
        // The commit is one of this repository's (the build ran in this clone).
        Assert.Equal("commit", Git("cat-file", "-t", match.Groups[1].Value));
        Assert.False(Directory.Exists(DataFolder));
    }

    [Theory]
    [InlineData("chek", "fastgateway: unknown command 'chek'; did you mean 'check'? (FastGateway --help lists them)")]
    [InlineData("definitions", "fastgateway: unknown command 'definitions'; did you mean 'definition'? (FastGateway --help lists them)")]
    public async Task UnknownCommand_Exit1_NamesNearest_DoesNotStartTheGateway(string command, string message)
    {
        var (exitCode, _, stderr) = await RunAsync("--urls", "http://127.0.0.1:0", $"--Storage:Path={DataFolder}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}", command);

        Assert.Equal(1, exitCode);
        Assert.Equal(message, stderr.Trim());
        Assert.False(Directory.Exists(DataFolder));
    }

    [Fact]
    [Trait(GatewayProcess.NativeTrait, GatewayProcess.NativeTraitValue)]
    public async Task Check_ValidConfiguration_Exit0_OneLine_DataFolderUntouched()
    {
        var (exitCode, stdout, stderr) = await RunAsync("check", $"--Storage:Path={DataFolder}", "--Upstreams:timetravels=http://127.0.0.1:5081",
            "--urls", "http://127.0.0.1:0", "--Admin:ApiKey=" + GatewayProcess.AdminKey, "--Throttling:Hashing:QueueLimit=4", "--Proxy:Apis:timetravels:PathPolicy:EscapedSlashes=Forward");

        Assert.Equal(0, exitCode);
        Assert.Equal("fastgateway: configuration is valid", stdout.Trim());
        Assert.Equal("", stderr);
        Assert.False(Directory.Exists(DataFolder), "check must not create or open the data folder");
    }

    /// <summary>
    /// Keys inside nested options types (objects, list entries) are checked too. In the native binary this needs their
    /// properties kept for reflection (ConfigurationSections.Nested): once it saw none there and let every one through.
    /// </summary>
    [Fact]
    [Trait(GatewayProcess.NativeTrait, GatewayProcess.NativeTraitValue)]
    public async Task Check_UnknownKeysInNestedSections_EveryOneNamed()
    {
        var (exitCode, _, stderr) = await RunAsync("check", $"--Storage:Path={DataFolder}", "--Upstreams:timetravels=http://127.0.0.1:5081",
            "--Throttling:Address:PermitLimt=5",
            "--Throttling:Lockout:FailureFactr=3",
            "--Proxy:PathPolicy:EscapedSlashez=Forward",
            "--Bootstrap:Clients:0:ClientIdd=app",
            "--Telemetry:Tracing:SampleRatoi=0.5");

        Assert.Equal(2, exitCode);
        string[] expected =
        [
            "unknown key 'Throttling:Address:PermitLimt'; did you mean 'Throttling:Address:PermitLimit'?",
            "unknown key 'Throttling:Lockout:FailureFactr'; did you mean 'Throttling:Lockout:FailureFactor'?",
            "unknown key 'Proxy:PathPolicy:EscapedSlashez'; did you mean 'Proxy:PathPolicy:EscapedSlashes'?",
            "unknown key 'Bootstrap:Clients:0:ClientIdd'; did you mean 'Bootstrap:Clients:0:ClientId'?",
            "unknown key 'Telemetry:Tracing:SampleRatoi'; did you mean 'Telemetry:Tracing:SampleRatio'?",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait(GatewayProcess.NativeTrait, GatewayProcess.NativeTraitValue)]
    public async Task Check_SeveralProblems_ListsEveryOne_ExitNonZero()
    {
        var (exitCode, _, stderr) = await RunAsync("check", $"--Storage:Path={DataFolder}",
            "--Upstreams:timetravels=ftp://upstream",
            "--OAuth:AccessTokenLifetme=600",
            "--OAuth:AuthorizationCodeLifetime=601",
            "--OAuth:RefreshTokenLifetime=soon",
            "--Proxy:Timeout=0",
            "--Proxy:PathPolicy:EscapedSlashes=Maybe",
            "--Throttling:Adress:PermitLimit=5",
            "--Upstreams:timetravel=http://127.0.0.1:1",
            "--Admin:ApiKey=short",
            "--ForwardedHeaders:KnownProxies:0=lb.internal",
            "--OAuth:Issuer=https://auth.example.com/?tenant=a");

        Assert.Equal(2, exitCode);
        string[] expected =
        [
            "fastgateway: unknown key 'OAuth:AccessTokenLifetme'; did you mean 'OAuth:AccessTokenLifetime'?",
            "fastgateway: OAuth:RefreshTokenLifetime = 'soon' is not a whole number (from -2147483648 to 2147483647)",
            "fastgateway: OAuth:AuthorizationCodeLifetime must be 1 to 600 seconds",
            "fastgateway: Proxy:Timeout must be 0.001 to 2147483 seconds",
            "fastgateway: Proxy:PathPolicy:EscapedSlashes = 'Maybe' is not one of Reject, Forward",
            "fastgateway: unknown key 'Throttling:Adress'; did you mean 'Throttling:Address'?",
            "fastgateway: unknown API 'timetravel' in 'Upstreams:timetravel'; did you mean 'Upstreams:timetravels'?",
            "fastgateway: Upstreams:timetravels = 'ftp://upstream' must be an absolute http or https URL without query or fragment",
            "fastgateway: Admin:ApiKey must be at least 32 characters (e.g. head -c 32 /dev/urandom | base64)",
            "fastgateway: ForwardedHeaders:KnownProxies: 'lb.internal' is not an IP address (e.g. 10.0.0.5 or ::1)",
            "fastgateway: OAuth:Issuer: must have no query and no fragment (RFC 8414 section 2)",
        ];
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in expected)
        {
            Assert.Contains(line, lines);
        }

        Assert.Equal($"fastgateway: {expected.Length} problems found; the gateway would not start", lines[^1]);
        Assert.Equal(expected.Length + 1, lines.Length);
        Assert.False(Directory.Exists(DataFolder));
    }

    [Fact]
    public async Task Check_BesideARunningGatewayOnTheSameDataFolder_DoesNotNeedItsLock()
    {
        await using var gateway = await GatewayProcess.StartAsync(DataFolder, BrokenUpstreams.Closed());

        var (exitCode, stdout, stderr) = await RunAsync("check", $"--Storage:Path={DataFolder}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal("fastgateway: configuration is valid", stdout.Trim());
        using var http = gateway.CreateClient();
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("--OAuth:AccessTokenLifetme=600", "unknown key 'OAuth:AccessTokenLifetme'; did you mean 'OAuth:AccessTokenLifetime'?")]
    [InlineData("--storage:pth=x", "unknown key 'Storage:pth'; did you mean 'Storage:Path'?")]
    [InlineData("--Proxy:Apis:timetravels:PathPolicy:EscapedSlash=Forward", "unknown key 'Proxy:Apis:timetravels:PathPolicy:EscapedSlash'; did you mean 'Proxy:Apis:timetravels:PathPolicy:EscapedSlashes'?")]
    [InlineData("--Proxy:Apis:timetravls:PathPolicy:EscapedSlashes=Forward", "unknown API 'timetravls' in 'Proxy:Apis:timetravls'; did you mean 'Proxy:Apis:timetravels'?")]
    [InlineData("--Compatibility:ApigeeResponse=false", "unknown key 'Compatibility:ApigeeResponse'; did you mean 'Compatibility:ApigeeResponseShape'?")]
    [InlineData("--OAuth:Issuer:Host=x", "unknown key 'OAuth:Issuer:Host': 'OAuth:Issuer' takes a single value")]
    [InlineData("--Throttling:Lockout:MaxWait=forever", "Throttling:Lockout:MaxWait = 'forever' is not a whole number (from -2147483648 to 2147483647)")]
    public async Task Start_UnknownKeyOrUnconvertibleValue_Exit2_OneLineNamingIt(string argument, string message)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(
            "--urls=http://127.0.0.1:0", $"--Storage:Path={DataFolder}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}", argument);

        Assert.Equal(2, exitCode);
        // Configuration keys are case-insensitive: the message spells the section and the suggestion as the options do.
        Assert.Equal($"fastgateway: {message}", AdminListenerTests.ErrorLine(output));
        Assert.False(Directory.Exists(DataFolder), "nothing is opened before the configuration is checked");
    }

    [Fact]
    public async Task Start_UnknownKeyInEnvironmentVariable_Bootstrap_NamesNearest()
    {
        var environment = new Dictionary<string, string>
        {
            ["Bootstrap__Clients__0__ClientId"] = "demo",
            ["Bootstrap__Clients__0__ClientSecrt"] = "0123456789abcdef0123",
        };

        var (exitCode, _, stderr) = await GatewayProcess.RunCommandAsync(GatewayProcess.GatewayDllPath, environment,
            "--urls=http://127.0.0.1:0", $"--Storage:Path={DataFolder}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}");

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown key 'Bootstrap:Clients:0:ClientSecrt'; did you mean 'Bootstrap:Clients:0:ClientSecret'?", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataFolder));
    }

    [Theory]
    [InlineData("appsettings.json", null)]
    [InlineData("appsettings.Staging.json", "Staging")]
    public async Task Start_MalformedSettingsFile_Exit2_FileLineAndPosition(string fileName, string? environmentName)
    {
        // A copy of the app folder, so the broken file sits beside the binary as an operator's would.
        var app = Path.Combine(_folder.Path, "app");
        CopyFolder(Path.GetDirectoryName(GatewayProcess.GatewayDllPath)!, app);
        // Line 3 (1-based), the second ',' at byte 32 (1-based): a trailing comma then a second one.
        await File.WriteAllTextAsync(Path.Combine(app, fileName), "{\n  \"OAuth\": {\n    \"AccessTokenLifetime\": 600,,\n  }\n}\n");
        var environment = environmentName is null ? null : new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = environmentName };

        var start = await GatewayProcess.RunCommandAsync(Path.Combine(app, "FastGateway.dll"), environment,
            "--urls=http://127.0.0.1:0", $"--Storage:Path={DataFolder}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}");
        var check = await GatewayProcess.RunCommandAsync(Path.Combine(app, "FastGateway.dll"), environment,
            "check", $"--Storage:Path={DataFolder}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}");

        foreach (var (exitCode, stdout, stderr) in new[] { start, check })
        {
            Assert.Equal(2, exitCode);
            Assert.Equal("", stdout);
            Assert.Equal($"fastgateway: {Path.Combine(app, fileName)}: invalid JSON at line 3, position 32: ',' is an invalid start of a property name. Expected a '\"'.", stderr.Trim());
        }

        Assert.False(Directory.Exists(DataFolder));
    }

    // The gateway under test: the native binary when .ci/aot-smoke runs the Binary=Native tests, else the built dll.
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        GatewayProcess.RunShippedAsync(args);

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var git = Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return output.Trim();
    }

    [GeneratedRegex(@"^FastGateway \d+\.\d+\.\d+\+([0-9a-f]{40})$")]
    private static partial Regex VersionLine();
}
