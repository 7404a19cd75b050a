using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.Observability;

/// <summary>
/// W3C trace context and the request id on the proxied path, with an <see cref="ActivityListener"/> sampling the
/// gateway's spans (as the OpenTelemetry SDK does with <c>Telemetry:Tracing:Enabled=true</c>), judged by the bytes a
/// raw-socket upstream received.
/// </summary>
public sealed partial class RequestTraceTests : IAsyncLifetime
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientParentId = "00f067aa0ba902b7";

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener _listener = null!;
    private ObservedGateway _gateway = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "FastGateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _gateway = await ObservedGateway.StartAsync();
        _token = await GetTokenAsync(_gateway.Http, await CreateClientAsync(_gateway.Http, "view"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _listener.Dispose();
    }

    [Fact]
    public async Task TraceParent_FromClient_UpstreamGetsSameTraceWithTheGatewaySpanAsParent()
    {
        var (response, upstream) = await SendAsync($"00-{ClientTraceId}-{ClientParentId}-01", "vendor=abc");

        var sent = ParseTraceParent(upstream.Field("traceparent"));
        Assert.Equal(ClientTraceId, sent.TraceId);
        Assert.NotEqual(ClientParentId, sent.ParentId);
        Assert.Equal("01", sent.Flags);
        Assert.Equal("vendor=abc", upstream.Field("tracestate"));
        var span = await StoppedAsync(ClientTraceId);
        Assert.Equal(sent.ParentId, span.SpanId.ToHexString());
        Assert.Equal(ClientParentId, span.ParentSpanId.ToHexString());
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal("GET /timetravels/bookings", span.DisplayName);
        Assert.Equal("/timetravels/bookings", span.GetTagItem("http.route"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ClientTraceId, RequestId(response));
        Assert.Equal(ClientTraceId, upstream.Field("X-Request-Id"));
    }

    [Fact]
    public async Task TraceParent_NoneFromClient_OneIsCreatedAndItsTraceIdIsTheRequestId()
    {
        var (response, upstream) = await SendAsync(traceParent: null, traceState: null);

        var sent = ParseTraceParent(upstream.Field("traceparent"));
        var span = await StoppedAsync(sent.TraceId);
        Assert.Equal(sent.ParentId, span.SpanId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
        Assert.Null(upstream.Field("tracestate"));
        Assert.Equal(sent.TraceId, RequestId(response));
        Assert.Equal(sent.TraceId, upstream.Field("X-Request-Id"));
        Assert.Single(upstream.Values("X-Request-Id"));
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")] // no flags
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // upper case
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // forbidden version
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, X-Scope: admin")]
    [InlineData("zz-hostile\tvalue")]
    public async Task TraceParent_Malformed_TheGatewaysOwnIsSentInstead(string malformed)
    {
        var (response, upstream) = await SendAsync(malformed, "vendor=abc");

        var sent = ParseTraceParent(upstream.Field("traceparent"));
        Assert.NotEqual(ClientTraceId, sent.TraceId, StringComparer.OrdinalIgnoreCase);
        Assert.Single(upstream.Values("traceparent"));
        Assert.Null(upstream.Field("tracestate")); // W3C: a tracestate without a valid traceparent is dropped
        Assert.DoesNotContain(malformed, Encoding.Latin1.GetString(upstream.RawHead), StringComparison.Ordinal);
        Assert.Equal(sent.TraceId, RequestId(response));
        Assert.Null(ClientParentIdOf(await StoppedAsync(sent.TraceId)));
    }

    [Fact]
    public async Task RequestId_FromClient_ReplacedByTheGateways()
    {
        using var request = Api(HttpMethod.Get, "/timetravels/bookings", _token);
        request.Headers.TryAddWithoutValidation("X-Request-Id", "client-chosen-id");
        using var response = await _gateway.Http.SendAsync(request);

        var upstream = Assert.Single(_gateway.Upstream.Requests, r => r.Field("X-Request-Id") == RequestId(response));
        Assert.DoesNotContain("client-chosen-id", Encoding.Latin1.GetString(upstream.RawHead), StringComparison.Ordinal);
        Assert.Matches(HexId(), RequestId(response));
    }

    [Fact]
    public async Task RequestId_RefusedRequest_ReturnedToo()
    {
        using var response = await _gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var span = await StoppedAsync(RequestId(response));
        Assert.Equal(401, span.GetTagItem("http.response.status_code"));
    }

    private async Task<(HttpResponseMessage Response, RecordedRequest Upstream)> SendAsync(string? traceParent, string? traceState)
    {
        using var request = Api(HttpMethod.Get, "/timetravels/bookings", _token);
        var marker = Guid.NewGuid().ToString("n");
        request.Headers.TryAddWithoutValidation("X-Test-Id", marker);
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        if (traceState is not null)
        {
            request.Headers.TryAddWithoutValidation("tracestate", traceState);
        }

        var response = await _gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, Assert.Single(_gateway.Upstream.Requests, r => r.Field("X-Test-Id") == marker));
    }

    private async Task<Activity> StoppedAsync(string traceId)
    {
        for (var i = 0; i < 200 && !_stopped.Any(a => a.TraceId.ToHexString() == traceId); i++)
        {
            await Task.Delay(50);
        }

        return Assert.Single(_stopped, a => a.TraceId.ToHexString() == traceId);
    }

    private static string? ClientParentIdOf(Activity span) => span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString();

    private static string RequestId(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("X-Request-Id"));

    private static (string TraceId, string ParentId, string Flags) ParseTraceParent(string? value)
    {
        Assert.NotNull(value);
        var match = TraceParent().Match(value);
        Assert.True(match.Success, $"not a version-00 traceparent: {value}");
        return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
    }

    [GeneratedRegex("^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$")]
    private static partial Regex TraceParent();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexId();
}
