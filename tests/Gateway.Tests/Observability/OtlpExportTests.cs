using System.Net;
using System.Net.Sockets;
using System.Text;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.Observability;

/// <summary>
/// OTLP export, configured only by the standard <c>OTEL_*</c> environment variables: a real gateway process sends
/// OTLP/HTTP protobuf to a real listener in the test.
/// </summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Otlp_EndpointSet_MetricsPostedWithGatewayNames()
    {
        using var collector = new OtlpCollector();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
        };
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), environment);
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        await GetTokenAsync(http, client);

        // Exports are periodic (300 ms here): wait for one that carries the token counter, a minute at most.
        var export = await collector.WaitForAsync("/v1/metrics", body => body.Contains("fastgateway.oauth.token.requests", StringComparison.Ordinal), TimeSpan.FromMinutes(1));

        Assert.Equal("application/x-protobuf", export.ContentType);
        Assert.Contains("fastgateway.token_store.lookups", export.Body, StringComparison.Ordinal);
        Assert.Contains("client_credentials", export.Body, StringComparison.Ordinal);
        Assert.Contains("fastgateway", export.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Paths, path => path == "/v1/traces"); // tracing is off by default
    }

    [Fact]
    public async Task Otlp_EndpointUnset_NothingSent()
    {
        // Where the exporter sends by default over http/protobuf (localhost:4318): were export on without
        // OTEL_EXPORTER_OTLP_ENDPOINT, this collector would receive it.
        using var collector = new OtlpCollector(port: 4318);
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        };
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), environment, "--Telemetry:Tracing:Enabled=true");
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        await GetTokenAsync(http, client);
        using var scrape = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", GatewayProcess.AdminKey) } });
        await Task.Delay(TimeSpan.FromSeconds(2)); // ten export intervals

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Empty(collector.Paths);
    }

    /// <summary>One request the collector received: path, content type and body (protobuf, read as Latin-1 so names are searchable).</summary>
    private sealed record Export(string Path, string? ContentType, string Body);

    /// <summary>A minimal OTLP/HTTP receiver on a loopback port: answers every POST 200 with an empty protobuf message.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<Export> _exports = [];
        private readonly SemaphoreSlim _received = new(0);

        public OtlpCollector(int? port = null)
        {
            Url = $"http://127.0.0.1:{port ?? FreePort()}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public IReadOnlyList<string> Paths
        {
            get
            {
                lock (_exports)
                {
                    return [.. _exports.Select(export => export.Path)];
                }
            }
        }

        public async Task<Export> WaitForAsync(string path, Func<string, bool> match, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (true)
            {
                lock (_exports)
                {
                    if (_exports.FirstOrDefault(export => export.Path == path && match(export.Body)) is { } found)
                    {
                        return found;
                    }
                }

                try
                {
                    await _received.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"no matching POST {path} within {timeout}; received: {string.Join(", ", Paths)}");
                }
            }
        }

        public void Dispose()
        {
            _listener.Close();
            _received.Dispose();
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_exports)
                {
                    _exports.Add(new Export(context.Request.Url!.AbsolutePath, context.Request.ContentType, Encoding.Latin1.GetString(body.ToArray())));
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.ContentLength64 = 0;
                context.Response.Close();
                try
                {
                    _received.Release();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}
