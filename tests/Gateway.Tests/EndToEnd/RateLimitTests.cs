using System.Net;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.EndToEnd.AdminLifecycleTests;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>A gateway of the quota tests' own, in front of a recording upstream: what was forwarded is counted per client.</summary>
public sealed class RateLimitGatewayFixture : IAsyncLifetime
{
    private readonly TempFolder _storage = new();

    public RecordingUpstream Upstream { get; } = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await GatewayProcess.StartAsync(_storage.Path, Upstream.Url);
        Http = Gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        Upstream.Dispose();
        _storage.Dispose();
    }
}

/// <summary>
/// Per-client quotas on the protected APIs (client metadata <c>rate_limit</c>) over real sockets: 429 with
/// <c>Retry-After</c> and a JSON body before anything is forwarded, other clients unaffected, set and removed through
/// the admin API. Each test uses clients of its own. No timing is asserted: a test sends until the bucket is empty.
/// </summary>
public sealed class RateLimitTests(RateLimitGatewayFixture fixture) : IClassFixture<RateLimitGatewayFixture>
{
    // Sequential requests on loopback take milliseconds; the bucket (3 per 2 s) refills one every 0.67 s.
    private const int MaxAttempts = 20;

    private HttpClient Http => fixture.Http;

    private async Task<(ClientCredentials Client, string Token)> ClientWithTokenAsync(string? rateLimitJson)
    {
        var metadata = rateLimitJson is null
            ? """{"client_name":"quota test","scope":"view"}"""
            : $$"""{"client_name":"quota test","scope":"view","rate_limit":{{rateLimitJson}}}""";
        var client = await CreateClientFromMetadataAsync(Http, metadata);
        return (client, await GetTokenAsync(Http, client));
    }

    private async Task<HttpResponseMessage> GetAsync(string token) => await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));

    /// <summary>Sends until the first 429 (returned, undisposed) or <see cref="MaxAttempts"/>; counts the 200s before it.</summary>
    private async Task<(int Allowed, HttpResponseMessage? Refused)> SendUntilRefusedAsync(string token)
    {
        for (var allowed = 0; allowed < MaxAttempts; allowed++)
        {
            var response = await GetAsync(token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (allowed, response);
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        return (MaxAttempts, null);
    }

    private int ForwardedFor(string clientId) => fixture.Upstream.Requests.Count(r => r.Field("X-Client-Id") == clientId);

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = AdminRequest(method, path, json);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task RateLimit_OverTheLimit_429WithRetryAfterAndJsonNothingForwarded()
    {
        var (client, token) = await ClientWithTokenAsync("""{"requests":3,"window_seconds":2}""");

        var (allowed, refused) = await SendUntilRefusedAsync(token);
        using var tooMany = refused;
        var forwardedBefore = ForwardedFor(client.ClientId);

        Assert.NotNull(tooMany);
        Assert.True(allowed >= 3, $"only {allowed} requests were allowed before the first 429"); // the bucket starts full
        Assert.Equal(allowed, forwardedBefore); // the 429 was not forwarded
        var retryAfter = tooMany.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 2);
        Assert.Equal("application/json", tooMany.Content.Headers.ContentType?.MediaType);
        var body = await ReadJsonAsync(tooMany);
        Assert.Equal("rate_limit_exceeded", body.GetProperty("error").GetString());
        Assert.Contains("3 requests per 2 s", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        // Retry-After is when the bucket has a token again: waiting it out is enough.
        await Task.Delay(retryAfter.Value);
        using var afterWait = await GetAsync(token);
        Assert.Equal(HttpStatusCode.OK, afterWait.StatusCode);
    }

    [Fact]
    public async Task RateLimit_OneClientOverItsLimit_OtherClientsUnaffected()
    {
        var (_, limitedToken) = await ClientWithTokenAsync("""{"requests":3,"window_seconds":2}""");
        var (_, otherToken) = await ClientWithTokenAsync(null);
        var (_, otherLimitedToken) = await ClientWithTokenAsync("""{"requests":3,"window_seconds":2}""");

        var (_, refused) = await SendUntilRefusedAsync(limitedToken);
        refused?.Dispose();
        Assert.NotNull(refused);
        using var stillRefused = await GetAsync(limitedToken);
        var others = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var other = await GetAsync(otherToken);
            using var otherLimited = await GetAsync(otherLimitedToken);
            others.Add(other.StatusCode);
            others.Add(otherLimited.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.StatusCode);
        Assert.All(others, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task RateLimit_SetShownChangedAndRemovedThroughAdminApi()
    {
        var (client, token) = await ClientWithTokenAsync(null);
        var path = $"/admin/v1/clients/{client.ClientId}";

        var (status, body) = await AdminAsync(HttpMethod.Patch, path, """{"rate_limit":{"requests":3,"window_seconds":2}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("rate_limit").GetProperty("requests").GetInt32());
        Assert.Equal(2, body.GetProperty("rate_limit").GetProperty("window_seconds").GetInt32());
        var (_, refused) = await SendUntilRefusedAsync(token); // the live token is limited at once
        refused?.Dispose();
        Assert.NotNull(refused);

        // A PATCH without rate_limit keeps it, and GET shows it.
        Assert.Equal(HttpStatusCode.OK, (await AdminAsync(HttpMethod.Patch, path, """{"client_name":"renamed"}""")).Status);
        (status, body) = await AdminAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("rate_limit").GetProperty("requests").GetInt32());

        // null removes it: unlimited again.
        (status, body) = await AdminAsync(HttpMethod.Patch, path, """{"rate_limit":null}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("rate_limit", out _));
        for (var i = 0; i < 10; i++)
        {
            using var response = await GetAsync(token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("""{"requests":0,"window_seconds":2}""")]
    [InlineData("""{"requests":3,"window_seconds":0}""")]
    [InlineData("""{"requests":3}""")]
    [InlineData("""{"requests":3,"window_seconds":31536001}""")]
    [InlineData("""{"requests":3,"window_seconds":2,"burst":5}""")]
    public async Task RateLimit_Invalid_400InvalidClientMetadata(string rateLimit)
    {
        var (status, body) = await AdminAsync(HttpMethod.Post, "/admin/v1/clients", $$"""{"scope":"view","rate_limit":{{rateLimit}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body.GetProperty("error").GetString(), new[] { "invalid_client_metadata", "invalid_request" });
    }
}
