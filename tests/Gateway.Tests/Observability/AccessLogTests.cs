using System.Net;
using System.Text.Json;
using FastGateway.Hosting;
using FastGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.Observability;

/// <summary>
/// The access log and the JSON console formatter: a real gateway process's output, and in-process gateways writing the
/// log to a file (<c>AccessLog:Path</c>).
/// </summary>
public sealed class AccessLogTests : IDisposable
{
    private const string QuerySecret = "QUERYSECRET0f1e2d3c";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task GatewayProcess_JsonConsole_EveryLineIsJsonAndTheAccessLineHasTheFieldsButNoSecret()
    {
        using var upstream = new RecordingUpstream();
        await using var gateway = await GatewayProcess.StartAsync(_folder.Path, upstream.Url, "--Logging:Console:FormatterName=json");
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        var token = await GetTokenAsync(http, client);
        using var request = Api(HttpMethod.Get, $"/timetravels/bookings/7?api_key={QuerySecret}", token);
        // No span in this process (tracing is off): the client's context passes through as the gateway received it.
        request.Headers.TryAddWithoutValidation("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        using var response = await http.SendAsync(request);
        using var refused = await http.SendAsync(Api(HttpMethod.Delete, "/timetravels/bookings/7", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        var forwarded = Assert.Single(upstream.Requests);

        await gateway.StopAsync(); // drains the access log
        var output = gateway.Output;

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", requestId);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", forwarded.Field("traceparent"));
        Assert.Equal(requestId, forwarded.Field("X-Request-Id"));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var documents = lines.Select(line => ParseOrFail(line, output)).ToList();
        Assert.Contains(documents, d => d.RootElement.TryGetProperty("LogLevel", out _) && d.RootElement.TryGetProperty("Category", out _));
        var access = documents.Where(d => d.RootElement.TryGetProperty("log", out var log) && log.GetString() == "access").Select(d => d.RootElement).ToList();
        Assert.Equal(2, access.Count);
        var line = Assert.Single(access, a => a.GetProperty("request_id").GetString() == requestId);
        Assert.Equal(client.ClientId, line.GetProperty("client_id").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("owner").ValueKind);
        Assert.Equal("timetravels", line.GetProperty("api").GetString());
        Assert.Equal("/timetravels/bookings/{id}", line.GetProperty("route").GetString());
        Assert.Equal("GET", line.GetProperty("method").GetString());
        Assert.Equal("/timetravels/bookings/7", line.GetProperty("path").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal(0, line.GetProperty("bytes_in").GetInt64());
        Assert.Equal(long.Parse(Assert.Single(response.Content.Headers.GetValues("Content-Length"))), line.GetProperty("bytes_out").GetInt64());
        var duration = line.GetProperty("duration").GetDouble();
        var upstreamDuration = line.GetProperty("upstream_duration").GetDouble();
        Assert.InRange(upstreamDuration, 0, duration);
        var time = line.GetProperty("time").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, time.Offset);
        Assert.EndsWith("Z", line.GetProperty("time").GetString(), StringComparison.Ordinal);
        var refusedLine = Assert.Single(access, a => a.GetProperty("status").GetInt32() == 403);
        Assert.Equal(JsonValueKind.Null, refusedLine.GetProperty("upstream_duration").ValueKind);
        Assert.Equal(Assert.Single(refused.Headers.GetValues("X-Request-Id")), refusedLine.GetProperty("request_id").GetString());
        // Never the token, the client's secret or the query (where secrets travel), anywhere in the output.
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        Assert.DoesNotContain(client.ClientSecret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(QuerySecret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessLogPath_EveryRequest_OneLineEach()
    {
        var path = Path.Combine(_folder.Path, "access.log");
        await SendThreeAsync(path);

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Equal("access", JsonDocument.Parse(line).RootElement.GetProperty("log").GetString()));
    }

    [Fact]
    public async Task AccessLogSampleRatio_Zero_WritesNoLine()
    {
        var path = Path.Combine(_folder.Path, "access.log");
        await SendThreeAsync(path, "--AccessLog:SampleRatio=0");

        Assert.True(!File.Exists(path) || new FileInfo(path).Length == 0);
    }

    [Fact]
    public async Task AccessLogEnabled_False_WritesNoLine()
    {
        var path = Path.Combine(_folder.Path, "access.log");
        await SendThreeAsync(path, "--AccessLog:Enabled=false");

        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("--AccessLog:SampleRatio=1.5", "AccessLog:SampleRatio")]
    [InlineData("--AccessLog:QueueLength=0", "AccessLog:QueueLength")]
    public void AccessLogOptions_OutOfRange_StartRefused(string argument, string key)
    {
        var error = Assert.Throws<OptionsValidationException>(() => GatewayApp.Build([$"--Storage:Path={_folder.Path}", "--Upstreams:timetravels=http://127.0.0.1:1", argument]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    // Three requests (200, 401, 403) through an in-process gateway that logs to `path`; returns once it stopped (drained).
    private static async Task SendThreeAsync(string path, params string[] arguments)
    {
        await using var gateway = await ObservedGateway.StartAsync([$"--AccessLog:Path={path}", .. arguments]);
        var token = await GetTokenAsync(gateway.Http, await CreateClientAsync(gateway.Http, "view"));
        foreach (var (method, bearer, status) in new[] { (HttpMethod.Get, token, HttpStatusCode.OK), (HttpMethod.Get, null, HttpStatusCode.Unauthorized), (HttpMethod.Post, token, HttpStatusCode.Forbidden) })
        {
            using var response = await gateway.Http.SendAsync(Api(method, "/timetravels/bookings", bearer));
            Assert.Equal(status, response.StatusCode);
        }
    }

    private static JsonDocument ParseOrFail(string line, string output)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            Assert.Fail($"not a JSON line ({e.Message}): {line}\n--- whole output ---\n{output}");
            throw;
        }
    }
}
