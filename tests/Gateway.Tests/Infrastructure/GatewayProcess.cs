using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// A real FastGateway process (the built FastGateway.dll under <c>dotnet</c>, or the executable named by
/// <c>FASTGATEWAY_BINARY</c>, e.g. the Native AOT build) on a loopback port, so tests exercise the shipped host,
/// including graceful restarts and <c>kill -9</c>.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef-0123456789";

    /// <summary>
    /// The environment variable naming a gateway executable to start instead of <c>dotnet FastGateway.dll</c>:
    /// .ci/aot-smoke sets it to the Native AOT binary and runs the tests tagged <see cref="NativeTrait"/>.
    /// </summary>
    public const string BinaryVariable = "FASTGATEWAY_BINARY";

    /// <summary>
    /// The xunit trait (<c>[Trait(NativeTrait, NativeTraitValue)]</c>) of the crash, restart and <c>kill -9</c> tests
    /// that .ci/aot-smoke also runs against the Native AOT binary (<c>--filter Binary=Native</c>).
    /// </summary>
    public const string NativeTrait = "Binary";

    /// <summary>The value of <see cref="NativeTrait"/>.</summary>
    public const string NativeTraitValue = "Native";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public string StoragePath { get; private init; } = "";

    /// <summary>Everything the process wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a gateway and waits until it listens.</summary>
    /// <param name="storagePath">The Storage:Path folder.</param>
    /// <param name="upstream">Upstreams:timetravels.</param>
    /// <param name="extraArgs">More --Key=Value arguments.</param>
    public static Task<GatewayProcess> StartAsync(string storagePath, string upstream, params string[] extraArgs) =>
        StartAsync(storagePath, upstream, environment: null, extraArgs);

    /// <summary>Starts a gateway with extra environment variables and waits until it listens.</summary>
    /// <param name="storagePath">The Storage:Path folder.</param>
    /// <param name="upstream">Upstreams:timetravels.</param>
    /// <param name="environment">Variables added to the gateway's environment.</param>
    /// <param name="extraArgs">More --Key=Value arguments.</param>
    public static async Task<GatewayProcess> StartAsync(string storagePath, string upstream, IReadOnlyDictionary<string, string>? environment, params string[] extraArgs)
    {
        var info = CreateStartInfo();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var gateway = Spawn(info, storagePath, upstream, extraArgs);
        try
        {
            await gateway.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        }
        catch (InvalidOperationException)
        {
            gateway.KillHard();
            throw;
        }

        return gateway;
    }

    /// <summary>
    /// Starts a gateway without waiting for it to listen: during a swap it binds its ports, then waits for the data
    /// folder's lock (docs/deployment.md). The standard test arguments come first, so <paramref name="extraArgs"/> win
    /// (e.g. a fixed <c>--urls</c>).
    /// </summary>
    /// <param name="gatewayDll">The FastGateway.dll to run; null runs the one built beside the tests.</param>
    /// <param name="storagePath">The Storage:Path folder.</param>
    /// <param name="upstream">Upstreams:timetravels.</param>
    /// <param name="extraArgs">More --Key=Value arguments.</param>
    public static GatewayProcess Launch(string? gatewayDll, string storagePath, string upstream, params string[] extraArgs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(gatewayDll ?? GatewayDll);
        return Spawn(info, storagePath, upstream, extraArgs);
    }

    /// <summary>Starts <paramref name="info"/> with the standard test arguments, then <paramref name="extraArgs"/> (later ones win).</summary>
    private static GatewayProcess Spawn(ProcessStartInfo info, string storagePath, string upstream, string[] extraArgs)
    {
        foreach (var arg in (string[])[
            "--urls=http://127.0.0.1:0",
            $"--Storage:Path={storagePath}",
            $"--Upstreams:timetravels={upstream}",
            $"--Admin:ApiKey={AdminKey}",
            "--OAuth:RequireHttps=false",
            "--Logging:LogLevel:Default=Information",
            "--Logging:Console:FormatterName=simple",
            // Every test talks from 127.0.0.1, unlike real clients: the per-address failure limits are raised so the
            // suite's own wrong-credential tests do not add up (tests of the limits set their own, later args win).
            "--Throttling:Address:PermitLimit=100000",
            "--Throttling:AdminAddress:PermitLimit=100000",
            .. extraArgs])
        {
            info.ArgumentList.Add(arg);
        }

        var gateway = new GatewayProcess(Process.Start(info)!) { StoragePath = storagePath };
        gateway._process.OutputDataReceived += (_, e) => gateway.OnLine(e.Data);
        gateway._process.ErrorDataReceived += (_, e) => gateway.OnLine(e.Data);
        gateway._process.BeginOutputReadLine();
        gateway._process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Waits until a <see cref="Launch"/>ed gateway listens (Kestrel started); sets <see cref="BaseAddress"/>.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not listen within <paramref name="timeout"/>.</exception>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var first = await Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (first != _listening.Task)
        {
            throw new InvalidOperationException($"the gateway did not listen:\n{Output}");
        }

        BaseAddress = await _listening.Task;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not write it within <paramref name="timeout"/>.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the gateway did not write '{text}':\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (after <see cref="StopAsync"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Runs the gateway to completion with bad configuration and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunToCompletionAsync(CreateStartInfo(), args);
        return (exitCode, stdout + stderr);
    }

    /// <summary>
    /// Runs <paramref name="gatewayDll"/> (<see cref="GatewayDllPath"/> or a copy of its folder) with
    /// <paramref name="args"/> to completion, and returns its exit code and its standard output and error apart.
    /// </summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(string gatewayDll, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(gatewayDll);
        return RunToCompletionAsync(info, args);
    }

    /// <summary>
    /// Runs the gateway under test (the binary named by <see cref="BinaryVariable"/>, else the built FastGateway.dll) with
    /// <paramref name="args"/> to completion: its exit code and its standard output and error apart.
    /// </summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunShippedAsync(params string[] args) =>
        RunToCompletionAsync(CreateStartInfo(), args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToCompletionAsync(ProcessStartInfo info, string[] args)
    {
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The built FastGateway.dll.</summary>
    public static string GatewayDllPath => GatewayDll;

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient CreateClient(HttpMessageHandler handler) => new(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    /// <summary>SIGTERM and wait: the graceful shutdown a service manager does.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (https?://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>
    /// <c>dotnet FastGateway.dll</c> (this configuration's build), or the executable named by <see cref="BinaryVariable"/>
    /// when it is set.
    /// </summary>
    /// <exception cref="FileNotFoundException">The named executable, or the build, does not exist: a test run meant for
    /// the native binary must not quietly fall back to the JIT build.</exception>
    private static ProcessStartInfo CreateStartInfo()
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        ProcessStartInfo info;
        if (string.IsNullOrEmpty(binary))
        {
            info = new ProcessStartInfo("dotnet");
            info.ArgumentList.Add(GatewayDll);
        }
        else
        {
            info = new ProcessStartInfo(File.Exists(binary) ? Path.GetFullPath(binary) : throw new FileNotFoundException($"{BinaryVariable} names {binary}, which does not exist", binary));
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    private static string GatewayDll => ExternalTool.BuildOutput("src/Gateway", "FastGateway.dll");
}
