using System.Net;
using FastGateway.Observability;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.Observability;

/// <summary>
/// The proxied path's instruments, read with a <see cref="System.Diagnostics.Metrics.MeterListener"/> from a real
/// gateway host on a real socket, forwarding to a real upstream socket.
/// </summary>
public sealed class ProxyMetricsTests
{
    private const string ServerDuration = "http.server.request.duration";

    [Fact]
    public async Task ServerDuration_ForwardedAndRefused_RecordedWithBoundedTags()
    {
        await using var gateway = await ObservedGateway.StartAsync();
        var client = await CreateClientAsync(gateway.Http, "view");
        var token = await GetTokenAsync(gateway.Http, client);

        using var allowed = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings/42", token));
        using var refused = await gateway.Http.SendAsync(Api(HttpMethod.Post, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var mine = await gateway.WaitForAsync(m => m.Instrument == ServerDuration && m.Tag(ProxyMetrics.ClientIdTag) == client.ClientId, count: 2);
        var ok = Assert.Single(mine, m => m.Tag("http.request.method") == "GET");
        Assert.Equal("timetravels", ok.Tag(ProxyMetrics.ApiTag));
        Assert.Equal("/timetravels/bookings/{id}", ok.Tag("http.route")); // the template, never the path with its id
        Assert.Equal("2xx", ok.Tag(ProxyMetrics.StatusClassTag));
        Assert.InRange(ok.Value, double.Epsilon, 60);
        var forbidden = Assert.Single(mine, m => m.Tag("http.request.method") == "POST");
        Assert.Equal("/timetravels/bookings", forbidden.Tag("http.route"));
        Assert.Equal("4xx", forbidden.Tag(ProxyMetrics.StatusClassTag));
        Assert.All(mine, m => Assert.Equal(5, m.Tags.Count));
    }

    [Fact]
    public async Task ServerDuration_UnknownMethodAndNoResource_LabelledOtherWithoutRoute()
    {
        await using var gateway = await ObservedGateway.StartAsync();
        var client = await CreateClientAsync(gateway.Http, "view");
        var token = await GetTokenAsync(gateway.Http, client);

        using var unknown = await gateway.Http.SendAsync(Api(new HttpMethod("PROPFIND"), "/timetravels/nothing-here", token));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // A 404 is decided before the token is read: no client_id; the method is not a label of its own.
        var measured = await gateway.WaitForAsync(m => m.Instrument == ServerDuration && m.Tag("http.request.method") == "_OTHER" && m.Tag(ProxyMetrics.StatusClassTag) == "4xx");
        Assert.Contains(measured, m => m.Tag("http.route") is null && m.Tag(ProxyMetrics.ApiTag) == "timetravels");
    }

    [Fact]
    public async Task ClientIdLabel_MoreClientsThanTheLimit_LaterOnesReadOther()
    {
        await using var gateway = await ObservedGateway.StartAsync("--Telemetry:Metrics:MaxClientIds=1");
        var first = await CreateClientAsync(gateway.Http, "view");
        var second = await CreateClientAsync(gateway.Http, "view");
        var firstToken = await GetTokenAsync(gateway.Http, first);
        var secondToken = await GetTokenAsync(gateway.Http, second);

        using (var response = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", firstToken)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var others = gateway.Measurements.Count(m => m.Instrument == ServerDuration && m.Tag(ProxyMetrics.ClientIdTag) == ClientIdLabels.Other);
        using (var response = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", secondToken)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await gateway.WaitForAsync(m => m.Instrument == ServerDuration && m.Tag(ProxyMetrics.ClientIdTag) == ClientIdLabels.Other, others + 1);
        Assert.Single(gateway.Measurements, m => m.Instrument == ServerDuration && m.Tag(ProxyMetrics.ClientIdTag) == first.ClientId);
        Assert.DoesNotContain(gateway.Measurements, m => m.Tag(ProxyMetrics.ClientIdTag) == second.ClientId);
    }

    [Fact]
    public void ClientIdLabels_FirstNDistinctNamed_RestOther()
    {
        var labels = new ClientIdLabels(2);

        Assert.Equal("a", labels.Label("a"));
        Assert.Equal("b", labels.Label("b"));
        Assert.Equal(ClientIdLabels.Other, labels.Label("c"));
        Assert.Equal("a", labels.Label("a"));
        Assert.Equal(ClientIdLabels.Other, labels.Label("d"));
    }

    [Fact]
    public async Task ClientDuration_SlowUpstream_RecordsTheUpstreamExchange()
    {
        await using var gateway = await ObservedGateway.StartAsync();
        var delay = TimeSpan.FromMilliseconds(400);
        // 503 marks this test's upstream exchange among those of the other tests in the process.
        gateway.Upstream.Script = _ => new UpstreamReply(UpstreamReply.Text("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"), delay);
        var client = await CreateClientAsync(gateway.Http, "view");
        var token = await GetTokenAsync(gateway.Http, client);

        using var response = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);

        var upstream = await gateway.WaitForAsync(m => m.Instrument == "http.client.request.duration" && m.Tag(ProxyMetrics.StatusClassTag) == "5xx" && m.Value >= delay.TotalSeconds);
        Assert.NotEmpty(upstream);
        var server = Assert.Single(await gateway.WaitForAsync(m => m.Instrument == ServerDuration && m.Tag(ProxyMetrics.ClientIdTag) == client.ClientId));
        Assert.Equal("5xx", server.Tag(ProxyMetrics.StatusClassTag));
        Assert.True(server.Value >= delay.TotalSeconds, $"the request took {server.Value} s, less than the upstream's own delay");
    }

    [Fact]
    public async Task TokenValidations_EachOutcome_CountedByReason()
    {
        await using var gateway = await ObservedGateway.StartAsync();
        var client = await CreateClientAsync(gateway.Http, "view");
        var token = await GetTokenAsync(gateway.Http, client);
        int Count(string outcome) => gateway.Measurements.Count(m => m.Instrument == "fastgateway.token.validations" && m.Tag(ProxyMetrics.OutcomeTag) == outcome);
        var before = new[] { "allowed", "missing_token", "invalid_token", "insufficient_scope" }.ToDictionary(o => o, Count);

        foreach (var (method, path, bearer, status) in new[]
        {
            (HttpMethod.Get, "/timetravels/bookings", token, HttpStatusCode.OK),
            (HttpMethod.Get, "/timetravels/bookings", null, HttpStatusCode.Unauthorized),
            (HttpMethod.Get, "/timetravels/bookings", "not-a-token-of-ours", HttpStatusCode.Unauthorized),
            (HttpMethod.Delete, "/timetravels/bookings/1", token, HttpStatusCode.Forbidden),
        })
        {
            using var response = await gateway.Http.SendAsync(Api(method, path, bearer));
            Assert.Equal(status, response.StatusCode);
        }

        // Other tests in the process count too: each outcome grew by at least this test's one request.
        foreach (var (outcome, count) in before)
        {
            Assert.True(Count(outcome) > count, $"no {outcome} counted");
        }
    }

    [Fact]
    public async Task RateLimitRejections_ClientOverQuota_CountedAsClientQuota()
    {
        await using var gateway = await ObservedGateway.StartAsync();
        var client = await CreateClientFromMetadataAsync(gateway.Http, """{"client_name":"quota","scope":"view","rate_limit":{"requests":1,"window_seconds":3600}}""");
        var token = await GetTokenAsync(gateway.Http, client);

        using var first = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        using var second = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        var rejection = Assert.Single(gateway.Measurements, m => m.Instrument == "fastgateway.rate_limit.rejections" && m.Tag(ProxyMetrics.ClientIdTag) == client.ClientId);
        Assert.Equal("client_quota", rejection.Tag("fastgateway.limiter"));
    }

    [Fact]
    public async Task OpenConnections_AfterAnExchange_ThePooledConnectionIsIdle()
    {
        await using var gateway = await ObservedGateway.StartAsync();
        var client = await CreateClientAsync(gateway.Http, "view");
        var token = await GetTokenAsync(gateway.Http, client);
        using var response = await gateway.Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await gateway.WaitForAsync(m => m.Instrument == ServerDuration && m.Tag(ProxyMetrics.ClientIdTag) == client.ClientId);

        gateway.Observe();

        var idle = gateway.Measurements.Where(m => m.Instrument == "http.client.open_connections" && m.Tag("http.connection.state") == "idle").ToList();
        Assert.Contains(idle, m => m.Tag(ProxyMetrics.ApiTag) == "timetravels" && m.Value >= 1);
        Assert.Contains(gateway.Measurements, m => m.Instrument == "http.client.open_connections" && m.Tag("http.connection.state") == "active");
    }
}
