using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FastGateway.Tests.Infrastructure;
using Xunit.Abstractions;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// A swap (docs/deployment.md): a second gateway started beside the running one on the same port and data folder, then
/// SIGTERM to the first. Real processes, real FASTER store, real sockets; clients on new and keep-alive connections
/// must see no refused connection, no reset and no 5xx.
/// </summary>
public sealed class ZeroDowntimeSwapTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(60);
    private const string Waiting = "waiting up to";

    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;

    private string UpstreamUrl => _upstream.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        RequireMigratedRequests();
        _upstream = await TimeTravelsUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task Swap_UnderContinuousLoad_NoRequestFails()
    {
        var port = FreePort();
        await using var first = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl, $"--urls=http://127.0.0.1:{port}");
        using var http = first.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"), "view");

        await using var load = new LoadLoops(first.BaseAddress, token, newConnectionLoops: 3, keepAliveLoops: 3);
        await Task.Delay(1000);
        var beforeSwap = load.Snapshot();

        await using var second = GatewayProcess.Launch(null, _storage.Path, UpstreamUrl, $"--urls=http://127.0.0.1:{port}");
        await second.WaitForOutputAsync(Waiting, Patient);
        await Task.Delay(500);
        var swapStarted = Stopwatch.GetTimestamp();
        await first.StopAsync();
        var firstExited = Stopwatch.GetTimestamp();
        await second.WaitUntilListeningAsync(Patient);
        await Task.Delay(1000);
        var results = await load.StopAsync();

        output.WriteLine($"requests: {results.Count}, failures: {results.Count(r => r.Error is not null)}, Connection: close seen {results.Count(r => r.ToldToClose)} times");
        output.WriteLine($"longest wait before the swap: {MaxLatency(beforeSwap):F1} ms; during it: {MaxLatency(results.Where(r => r.Started >= swapStarted)):F1} ms");
        Assert.True(results.All(r => r.Error is null), string.Join("\n", results.Where(r => r.Error is not null).Take(10).Select(r => r.Error)) + "\n" + first.Output + second.Output);
        Assert.Equal(0, first.ExitCode);
        // Both served: every request before the second started went to the first; every one after the first exited, to the second.
        Assert.NotEmpty(beforeSwap);
        Assert.Contains(results, r => r.Started > firstExited);
        // The drain ran: keep-alive clients were moved off on a response boundary.
        Assert.Contains("Connection: close (Proxy:DrainDelay)", first.Output, StringComparison.Ordinal);
        Assert.Contains(results, r => r.ToldToClose);
    }

    /// <summary>
    /// The pitfall of a shared port: connections the kernel queued on a listener that closes before accepting them. The
    /// test's own SO_REUSEPORT socket plays the old process at the instant it closes (it never accepts); the requests
    /// queued on it must be served by the gateway (net.ipv4.tcp_migrate_req=1), not reset.
    /// </summary>
    [Fact]
    public async Task ClosingListener_QueuedConnections_MoveToTheGatewayAndAreServed()
    {
        var port = FreePort();
        var setupPort = FreePort();
        using var closing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closing.SetRawSocketOption(1, 15, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEPORT
        closing.Bind(new IPEndPoint(IPAddress.Loopback, port));
        closing.Listen(512);
        await using var gateway = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl, $"--urls=http://127.0.0.1:{port};http://127.0.0.1:{setupPort}");
        // Set up through the gateway's second port: a connection to the shared one may land on the socket that never accepts.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{setupPort}") };
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"), "view");

        var shared = new Uri($"http://127.0.0.1:{port}");
        var connections = new List<RawHttpClient>();
        try
        {
            for (var i = 0; i < 32; i++)
            {
                var connection = await RawHttpClient.ConnectAsync(shared);
                connections.Add(connection);
                await connection.SendAsync($"GET /timetravels/bookings HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n");
            }

            var answered = connections.Select(c => c.ReadResponseAsync(timeout: Patient)).ToArray();
            // The gateway answers its share; the rest sit in the closing socket's accept queue.
            await Task.Delay(1000);
            var queued = answered.Count(a => !a.IsCompleted);
            Assert.True(queued > 0, "every connection went to the gateway: the test proved nothing");
            closing.Close();

            var statuses = new List<string>();
            foreach (var response in answered)
            {
                try
                {
                    statuses.Add((await response)?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "closed");
                }
                catch (Exception e) when (e is SocketException or IOException or TimeoutException)
                {
                    statuses.Add(e.GetType().Name + ": " + e.Message);
                }
            }

            output.WriteLine($"{queued} of {connections.Count} connections were queued on the closing listener");
            Assert.All(statuses, status => Assert.Equal("200", status));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Swap_SlowRequestInFlight_CompletesDuringDrain_SuccessorServesAfter()
    {
        var upstreamSawSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var upstream = new ScriptedUpstream(async (head, stream, _) =>
        {
            if (head.Contains("/bookings/slow", StringComparison.Ordinal))
            {
                upstreamSawSlow.TrySetResult();
                await Task.Delay(3000);
            }

            await ScriptedUpstream.SendAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        });
        var port = FreePort();
        var first = await GatewayProcess.StartAsync(_storage.Path, upstream.Url, $"--urls=http://127.0.0.1:{port}");
        await using var firstOwner = first;
        using var http = first.CreateClient();
        var token = await GetTokenAsync(http, await CreateClientAsync(http, "view"), "view");

        var slow = http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings/slow", token));
        await upstreamSawSlow.Task.WaitAsync(Patient);
        // Opened while the first is the only listener: it stays the first's.
        await using var probe = await RawHttpClient.ConnectAsync(first.BaseAddress);

        await using var second = GatewayProcess.Launch(null, _storage.Path, upstream.Url, $"--urls=http://127.0.0.1:{port}");
        await second.WaitForOutputAsync(Waiting, Patient);
        Assert.False(second.HasExited);

        // Sent while the second waits for the lock: on either process, they wait and are served.
        var queued = Enumerable.Range(0, 4).Select(_ => NewConnectionRequestAsync(first.BaseAddress, token, "/timetravels/bookings")).ToArray();
        var stop = first.StopAsync();
        await first.WaitForOutputAsync("Connection: close (Proxy:DrainDelay)", Patient);
        var draining = await probe.SendAndReadAsync("GET /readyz HTTP/1.1\r\nHost: gateway\r\n\r\n", timeout: Patient);
        Assert.Equal(503, draining?.Status);
        Assert.Contains("\"draining\"", draining!.BodyText, StringComparison.Ordinal);
        Assert.Equal("close", draining.Field("Connection"));

        using (var slowResponse = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
            Assert.Equal("ok", await slowResponse.Content.ReadAsStringAsync());
        }

        await stop;
        Assert.Equal(0, first.ExitCode);
        await second.WaitUntilListeningAsync(Patient);
        Assert.Contains("Took the data folder's lock after waiting", second.Output, StringComparison.Ordinal);
        foreach (var response in await Task.WhenAll(queued))
        {
            Assert.Equal(200, response.Status);
        }

        // The token issued by the first is in the store the second recovered.
        var after = await NewConnectionRequestAsync(second.BaseAddress, token, "/timetravels/bookings");
        Assert.Equal(200, after.Status);
    }

    [Fact]
    public async Task Swap_ToRebuiltDefinition_KeptScopesWork_RemovedScopeGrantsNothing()
    {
        // The second gateway: the same source with gateway.json changed, built in a copied tree (its own obj/ folders).
        using var tree = new TempFolder();
        var root = ExternalTool.RepositoryRoot();
        foreach (var file in (string[])["Directory.Build.props", "Directory.Packages.props", ".editorconfig"])
        {
            File.Copy(Path.Combine(root, file), Path.Combine(tree.Path, file));
        }

        foreach (var project in (string[])["src/Gateway", "src/Contracts", "src/Generators"])
        {
            CopySource(Path.Combine(root, project), Path.Combine(tree.Path, project));
        }

        var definition = Path.Combine(tree.Path, "src/Gateway/gateway.json");
        var json = File.ReadAllText(definition);
        // "cancel" is removed; "book" now also maps to CancelTickets.
        json = json.Replace("""    { "name": "cancel", "description": "Cancel your bookings", "apiScopes": [ "timetravels/CancelTickets" ] }""", "", StringComparison.Ordinal)
            .Replace("""{ "name": "book", "description": "Book tickets for you", "apiScopes": [ "timetravels/BookTickets" ] },""",
                """{ "name": "book", "description": "Book tickets for you", "apiScopes": [ "timetravels/BookTickets", "timetravels/CancelTickets" ] }""", StringComparison.Ordinal);
        Assert.DoesNotContain("\"cancel\"", json, StringComparison.Ordinal);
        File.WriteAllText(definition, json);
        var outputFolder = Path.Combine(tree.Path, "out");
        // Not ExternalTool.RunAsync: its 3-minute step limit is too short for a build on a busy 2-core machine.
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "src/Gateway/FastGateway.csproj", "-c", "Release", "-o", outputFolder])
        {
            WorkingDirectory = tree.Path,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var buildOutput = build.StandardOutput.ReadToEndAsync();
        using (var buildTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(15)))
        {
            await build.WaitForExitAsync(buildTimeout.Token);
        }

        Assert.True(build.ExitCode == 0, await buildOutput);

        var port = FreePort();
        await using var first = await GatewayProcess.StartAsync(_storage.Path, UpstreamUrl, $"--urls=http://127.0.0.1:{port}");
        using var http = first.CreateClient();
        var client = await CreateClientAsync(http, "view book cancel");
        var viewCancel = await GetTokenAsync(http, client, "view cancel");
        var book = await GetTokenAsync(http, client, "book");
        Assert.NotEqual(403, await StatusAsync(first.BaseAddress, viewCancel, "DELETE", "/timetravels/bookings/1"));
        Assert.Equal(403, await StatusAsync(first.BaseAddress, book, "DELETE", "/timetravels/bookings/1"));

        await using var load = new LoadLoops(first.BaseAddress, viewCancel, newConnectionLoops: 2, keepAliveLoops: 2);
        await using var second = GatewayProcess.Launch(Path.Combine(outputFolder, "FastGateway.dll"), _storage.Path, UpstreamUrl, $"--urls=http://127.0.0.1:{port}");
        await second.WaitForOutputAsync(Waiting, Patient);
        await first.StopAsync();
        await second.WaitUntilListeningAsync(Patient);
        await Task.Delay(500);
        var results = await load.StopAsync();
        Assert.True(results.All(r => r.Error is null), string.Join("\n", results.Where(r => r.Error is not null).Take(10).Select(r => r.Error)) + "\n" + first.Output + second.Output);
        Assert.Equal(0, first.ExitCode);

        // On the new tables: "view" kept by name, "cancel" grants nothing, "book" picked up its new mapping.
        Assert.Equal(200, await StatusAsync(second.BaseAddress, viewCancel, "GET", "/timetravels/bookings"));
        Assert.Equal(403, await StatusAsync(second.BaseAddress, viewCancel, "DELETE", "/timetravels/bookings/1"));
        Assert.NotEqual(403, await StatusAsync(second.BaseAddress, book, "DELETE", "/timetravels/bookings/1"));
    }

    [Theory]
    [InlineData("--Storage:LockTimeout=-1", "Storage:LockTimeout must be 0 (fail at once) to 2147483 seconds")]
    [InlineData("--Proxy:DrainDelay=-0.5", "Proxy:DrainDelay must be 0 (off) to 2147483 seconds")]
    public async Task SwapSettings_OutOfRange_RefusedAtStart(string setting, string message)
    {
        var (exitCode, text) = await GatewayProcess.RunToExitAsync(
            "--urls=http://127.0.0.1:0", $"--Storage:Path={_storage.Path}", $"--Upstreams:timetravels={UpstreamUrl}", setting);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The swap needs the kernel to move connections queued on the old listener to the new one when the old closes it
    /// (Linux 5.14+, docs/deployment.md). Like the operator, the test machine sets it: <c>./test</c> does.
    /// </summary>
    private static void RequireMigratedRequests()
    {
        const string sysctl = "/proc/sys/net/ipv4/tcp_migrate_req";
        Assert.True(File.Exists(sysctl), $"{sysctl} is missing: the kernel is older than 5.14 (docs/deployment.md)");
        Assert.True(File.ReadAllText(sysctl).Trim() == "1",
            "net.ipv4.tcp_migrate_req is 0: run `sysctl -w net.ipv4.tcp_migrate_req=1` (./test does; docs/deployment.md)");
    }

    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private static double MaxLatency(IEnumerable<LoadLoops.Result> results) => results.Select(r => r.Milliseconds).DefaultIfEmpty(0).Max();

    private static async Task<RawResponse> NewConnectionRequestAsync(Uri address, string token, string path)
    {
        await using var connection = await RawHttpClient.ConnectAsync(address);
        return await connection.SendAndReadAsync($"GET {path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n", timeout: Patient)
            ?? throw new IOException("closed without a response");
    }

    private static async Task<int> StatusAsync(Uri address, string token, string method, string path)
    {
        await using var connection = await RawHttpClient.ConnectAsync(address);
        var response = await connection.SendAndReadAsync($"{method} {path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", timeout: Patient);
        return response?.Status ?? throw new IOException("closed without a response");
    }

    private static void CopySource(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            if (Path.GetFileName(folder) is not ("bin" or "obj"))
            {
                CopySource(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }

    /// <summary>
    /// Client loops against one address until stopped: some open a new connection per request, some keep one connection
    /// and open another only when told to (<c>Connection: close</c>). Raw sockets, so nothing is retried behind the test's back.
    /// </summary>
    private sealed class LoadLoops : IAsyncDisposable
    {
        private readonly List<Result> _results = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _loops;
        private readonly Uri _address;
        private readonly string _request;

        public LoadLoops(Uri address, string token, int newConnectionLoops, int keepAliveLoops)
        {
            _address = address;
            _request = $"GET /timetravels/bookings HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\n";
            _loops = [
                .. Enumerable.Range(0, newConnectionLoops).Select(_ => Task.Run(() => RunAsync(keepAlive: false))),
                .. Enumerable.Range(0, keepAliveLoops).Select(_ => Task.Run(() => RunAsync(keepAlive: true)))];
        }

        public sealed record Result(long Started, double Milliseconds, bool ToldToClose, string? Error);

        public List<Result> Snapshot()
        {
            lock (_results)
            {
                return [.. _results];
            }
        }

        public async Task<List<Result>> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            return Snapshot();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }

        private async Task RunAsync(bool keepAlive)
        {
            RawHttpClient? connection = null;
            var request = _request + (keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                string? error = null;
                var toldToClose = false;
                try
                {
                    connection ??= await RawHttpClient.ConnectAsync(_address);
                    var response = await connection.SendAndReadAsync(request, timeout: Patient);
                    if (response is null)
                    {
                        error = "connection closed without a response";
                    }
                    else if (response.Status != 200)
                    {
                        error = $"{response.Status}: {response.BodyText}";
                    }
                    else
                    {
                        toldToClose = string.Equals(response.Field("Connection"), "close", StringComparison.OrdinalIgnoreCase);
                    }

                    if (!keepAlive || toldToClose || error is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                catch (Exception e) when (e is SocketException or IOException or TimeoutException or InvalidDataException)
                {
                    error = $"{e.GetType().Name}: {e.Message}";
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }

                lock (_results)
                {
                    _results.Add(new Result(started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, toldToClose, error));
                }
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
