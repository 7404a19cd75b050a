using System.Net;
using System.Net.Http.Headers;
using FastGateway.Tests.EndToEnd;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.Observability;

/// <summary>
/// <c>GET /metrics</c> (Prometheus text) on real gateway processes: where it is served and how it is protected, and the
/// authorization server's and token store's instruments as a scraper sees them.
/// </summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Metrics_PublicListener_KeyRequired_TokenOutcomesAndStoreSeries()
    {
        using var upstream = new RecordingUpstream();
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), upstream.Url);
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        var token = await GetTokenAsync(http, client);
        using var wrongSecret = await RequestTokenAsync(http, client with { ClientSecret = "not-the-secret-0123456789" });
        using var unsupported = await PostFormAsync(http, "/oauth2/token", client, [new("grant_type", "urn:example:made-up")]);
        using var proxied = await http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        var resourceServer = await CreateResourceServerAsync(http);
        using var introspected = await IntrospectAsync(http, resourceServer, token);
        using var introspectionRefused = await IntrospectAsync(http, client, token);
        using var revoked = await RevokeAsync(http, client, token);

        using var noKey = await http.GetAsync("/metrics");
        using var wrongKey = await http.SendAsync(WithKey("/metrics", "wrong-key-0123456789-0123456789-0123"));
        using var scrape = await http.SendAsync(WithKey("/metrics", GatewayProcess.AdminKey));
        var body = await scrape.Content.ReadAsStringAsync();
        var samples = PrometheusText.Parse(body);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, introspectionRefused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("invalid_token", (await ReadJsonAsync(noKey)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        AssertCount(samples, "fastgateway_oauth_token_requests_total", 1, ("oauth_grant_type", "client_credentials"), ("fastgateway_outcome", "issued"));
        AssertCount(samples, "fastgateway_oauth_token_requests_total", 1, ("oauth_grant_type", "client_credentials"), ("fastgateway_outcome", "invalid_client"));
        // Whatever a client sends as grant_type, the label is one of five values.
        AssertCount(samples, "fastgateway_oauth_token_requests_total", 1, ("oauth_grant_type", "_OTHER"), ("fastgateway_outcome", "unsupported_grant_type"));
        Assert.DoesNotContain("urn:example:made-up", body, StringComparison.Ordinal);
        AssertCount(samples, "fastgateway_oauth_introspection_requests_total", 1, ("fastgateway_outcome", "active"));
        AssertCount(samples, "fastgateway_oauth_introspection_requests_total", 1, ("fastgateway_outcome", "unauthorized_client"));
        AssertCount(samples, "fastgateway_oauth_revocation_requests_total", 1, ("fastgateway_outcome", "revoked"));
        // The proxied request, the introspection and the revocation looked the token up: from memory (the store is far
        // below its memory size).
        Assert.True(samples.Find("fastgateway_token_store_lookups_total", ("fastgateway_token_store_source", "memory")).Single().Value >= 3, body);
        Assert.Equal(0, samples.Find("fastgateway_token_store_lookups_total", ("fastgateway_token_store_source", "disk")).Single().Value);
        Assert.True(samples.Find("fastgateway_token_store_log_size_bytes", ("fastgateway_token_store_region", "memory")).Single().Value > 0, body);
        Assert.Single(samples.Find("target_info", ("service_name", "fastgateway")));
        // The runtime's and Kestrel's meters are subscribed; ASP.NET Core hosting's per-request one is not.
        Assert.NotEmpty(samples.Find("dotnet_gc_heap_total_allocated_bytes_total"));
        Assert.NotEmpty(samples.Find("kestrel_active_connections"));
        Assert.DoesNotContain(samples, sample => sample.Labels.TryGetValue("otel_scope_name", out var scope) && scope == "Microsoft.AspNetCore.Hosting");
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(client.ClientSecret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AdminUrls_OnAdminListenerWithoutKey_NotFoundOnPublic()
    {
        var port = AdminListenerTests.FreePort();
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), $"--Admin:Urls=http://127.0.0.1:{port}");
        using var publicHttp = gateway.CreateClient();
        using var adminHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var client = await CreateClientAsync(adminHttp, "view");
        await GetTokenAsync(publicHttp, client);

        using var onPublic = await publicHttp.SendAsync(WithKey("/metrics", GatewayProcess.AdminKey));
        using var onAdmin = await adminHttp.GetAsync("/metrics");
        var samples = PrometheusText.Parse(await onAdmin.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        Assert.Equal("not_found", (await ReadJsonAsync(onPublic)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, onAdmin.StatusCode);
        AssertCount(samples, "fastgateway_oauth_token_requests_total", 1, ("oauth_grant_type", "client_credentials"), ("fastgateway_outcome", "issued"));
    }

    [Fact]
    public async Task Metrics_Disabled_NoEndpoint()
    {
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), "--Telemetry:Metrics:Enabled=false");
        using var http = gateway.CreateClient();

        using var scrape = await http.SendAsync(WithKey("/metrics", GatewayProcess.AdminKey));

        Assert.Equal(HttpStatusCode.NotFound, scrape.StatusCode);
        Assert.Equal("not_found", (await ReadJsonAsync(scrape)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task RateLimitRejections_FailureLimit_CountedAndTokenOutcomeTooManyRequests()
    {
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), "--Throttling:Client:PermitLimit=2");
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        var wrong = client with { ClientSecret = "not-the-secret-0123456789" };
        for (var i = 0; i < 2; i++)
        {
            using var failed = await RequestTokenAsync(http, wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var refused = await RequestTokenAsync(http, client);
        using var scrape = await http.SendAsync(WithKey("/metrics", GatewayProcess.AdminKey));
        var samples = PrometheusText.Parse(await scrape.Content.ReadAsStringAsync());

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        AssertCount(samples, "fastgateway_rate_limit_rejections_total", 1, ("fastgateway_limiter", "failure_limit"));
        AssertCount(samples, "fastgateway_oauth_token_requests_total", 2, ("oauth_grant_type", "client_credentials"), ("fastgateway_outcome", "invalid_client"));
        AssertCount(samples, "fastgateway_oauth_token_requests_total", 1, ("oauth_grant_type", "client_credentials"), ("fastgateway_outcome", "too_many_requests"));
    }

    [Fact]
    public async Task CardinalityLimit_MoreTagCombinations_FoldedIntoOverflowSeries_TotalKept()
    {
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), "--Telemetry:Metrics:CardinalityLimit=2");
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        // Four tag combinations: (client_credentials, issued), (client_credentials, invalid_client),
        // (_OTHER, unsupported_grant_type), (_OTHER, invalid_request).
        await GetTokenAsync(http, client);
        using var wrongSecret = await RequestTokenAsync(http, client with { ClientSecret = "not-the-secret-0123456789" });
        using var unsupported = await PostFormAsync(http, "/oauth2/token", client, [new("grant_type", "urn:example:made-up")]);
        using var noGrantType = await PostFormAsync(http, "/oauth2/token", client, [new("scope", "view")]);

        using var scrape = await http.SendAsync(WithKey("/metrics", GatewayProcess.AdminKey));
        var body = await scrape.Content.ReadAsStringAsync();
        var series = PrometheusText.Parse(body).Find("fastgateway_oauth_token_requests_total").ToList();

        Assert.Equal(HttpStatusCode.BadRequest, noGrantType.StatusCode);
        Assert.Contains(series, sample => sample.Labels.TryGetValue("otel_metric_overflow", out var overflow) && overflow == "true");
        Assert.True(series.Count < 4, body);
        Assert.Equal(4, series.Sum(sample => sample.Value));
    }

    [Fact]
    public async Task Telemetry_SampleRatioOutOfRange_StartRefused()
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(
            "--urls=http://127.0.0.1:0", $"--Storage:Path={Path.Combine(_folder.Path, "data")}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}",
            "--Telemetry:Tracing:SampleRatio=1.5", "--Telemetry:Metrics:CardinalityLimit=0");

        Assert.NotEqual(0, exitCode);
        var error = AdminListenerTests.ErrorLine(output);
        Assert.Contains("Telemetry:Tracing:SampleRatio must be 0 to 1", error, StringComparison.Ordinal);
        Assert.Contains("Telemetry:Metrics:CardinalityLimit must be 1 to 100000", error, StringComparison.Ordinal);
    }

    private static void AssertCount(IReadOnlyList<PrometheusSample> samples, string name, double expected, params (string Label, string Value)[] labels)
    {
        var sample = samples.Find(name, labels).SingleOrDefault();
        Assert.True(sample is not null, $"no {name} with {string.Join(", ", labels)} in:\n{string.Join('\n', samples.Where(s => s.Name == name).Select(s => $"{string.Join(",", s.Labels)} {s.Value}"))}");
        Assert.Equal(expected, sample.Value);
    }

    private static HttpRequestMessage WithKey(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
