using System.Net;
using System.Text.Json;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>The webMethods walk-through, end to end: token with view can GET bookings, POST is refused.</summary>
[Collection(SharedGateway.Name)]
public sealed class ProtectedApiTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ViewToken_GetBookings_Returns200WithUpstreamBodyAndIdentityHeaders()
    {
        var client = await CreateClientAsync(Http, "view book cancel");
        var token = await GetTokenAsync(Http, client, "view");

        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.True(body.GetProperty("bookings").GetArrayLength() >= 2);
        var seen = body.GetProperty("received_identity");
        Assert.Equal(client.ClientId, seen.GetProperty("client_id").GetString());
        Assert.Equal("view", seen.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("owner").ValueKind);
        Assert.False(seen.GetProperty("authorization_header_present").GetBoolean());
        Assert.Equal("127.0.0.1", seen.GetProperty("forwarded_for").GetString());
        Assert.Equal("http", seen.GetProperty("forwarded_proto").GetString());
        Assert.Equal("/timetravels", seen.GetProperty("forwarded_prefix").GetString());
    }

    [Fact]
    public async Task ViewToken_GetOneBooking_ForwardsPathParameter()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings/1", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("1", body.GetProperty("booking").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ViewToken_PostBookings_Returns403InsufficientScope()
    {
        var client = await CreateClientAsync(Http, "view book");
        var token = await GetTokenAsync(Http, client, "view");

        using var response = await PostJsonAsync(Http, "/timetravels/bookings", token, new { passenger = "Emmett", destination = "2015-10-21" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"book\"", challenge, StringComparison.Ordinal);
        var body = await ReadJsonAsync(response);
        Assert.Equal("insufficient_scope", body.GetProperty("error").GetString());
        Assert.Equal("book", body.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task BookToken_PostBookings_StreamsBodyBothWaysAndReturns201()
    {
        var client = await CreateClientAsync(Http, "book");
        var token = await GetTokenAsync(Http, client);

        using var response = await PostJsonAsync(Http, "/timetravels/bookings", token, new { passenger = "Emmett", destination = "2015-10-21" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("Emmett", body.GetProperty("booking").GetProperty("passenger").GetString());
        Assert.NotNull(response.Headers.Location);
    }

    [Fact]
    public async Task CancelToken_DeleteBooking_Returns200_AndViewTokenCannotDelete()
    {
        var viewer = await GetTokenAsync(Http, await CreateClientAsync(Http, "view"));
        var canceller = await GetTokenAsync(Http, await CreateClientAsync(Http, "book cancel"), "book cancel");
        using var created = await PostJsonAsync(Http, "/timetravels/bookings", canceller, new { passenger = "Clara", destination = "1885-09-02" });
        var id = (await ReadJsonAsync(created)).GetProperty("booking").GetProperty("id").GetString();

        using var refused = await Http.SendAsync(Api(HttpMethod.Delete, $"/timetravels/bookings/{id}", viewer));
        using var deleted = await Http.SendAsync(Api(HttpMethod.Delete, $"/timetravels/bookings/{id}", canceller));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task NoToken_Returns401WithBareBearerChallenge()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer realm=", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("error=", challenge, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("missing_token", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("GET", "/oauth2/token", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    [InlineData("DELETE", "/admin/v1/clients", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    [InlineData("GET", "/no/such/endpoint", HttpStatusCode.NotFound, "not_found")]
    public async Task GatewayEndpoints_WrongMethodOrPath_AnswerJson(string method, string path, HttpStatusCode status, string error)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("not a token at all")]
    [InlineData("3G5g8l8wA5rp9oSzi3SL_zwdKn9vON-3HRh683D5POw")]
    public async Task GarbageToken_Returns401InvalidToken(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/timetravels/bookings");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("invalid_token", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ExpiredToken_Returns401InvalidToken()
    {
        // Expiry is kept in whole seconds: a 1-second token issued late in a second has almost no life left, so the
        // first request could already find it expired. Three seconds leave at least two.
        var client = await CreateClientAsync(Http, "view", accessTokenLifetime: 3);
        var token = await GetTokenAsync(Http, client);
        using (var fresh = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token)))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(4.2));
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("expired", (await ReadJsonAsync(response)).GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/timetravels/unknown")]
    [InlineData("PUT", "/timetravels/bookings")]
    [InlineData("GET", "/timetravels/bookings/1/extra")]
    [InlineData("GET", "/nothing-here")]
    public async Task UnknownRoute_Returns404Json(string method, string path)
    {
        var token = await GetTokenAsync(Http, await CreateClientAsync(Http, "view"));

        using var response = await Http.SendAsync(Api(new HttpMethod(method), path, token));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Forwarding_DropsHopByHopAndSpoofedIdentityHeaders()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);
        using var request = Api(HttpMethod.Get, "/timetravels/bookings", token);
        request.Headers.TryAddWithoutValidation("Connection", "X-Private-Hop");
        request.Headers.TryAddWithoutValidation("X-Private-Hop", "secret-to-this-hop");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("X-Client-Id", "spoofed-admin");
        request.Headers.TryAddWithoutValidation("X-Scope", "everything");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.9.9.9");
        request.Headers.TryAddWithoutValidation("X-End-To-End", "kept");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = (await ReadJsonAsync(response)).GetProperty("received_identity");
        var names = seen.GetProperty("header_names").EnumerateArray().Select(n => n.GetString()!.ToLowerInvariant()).ToList();
        Assert.DoesNotContain("x-private-hop", names);
        Assert.DoesNotContain("keep-alive", names);
        Assert.DoesNotContain("authorization", names);
        Assert.Contains("x-end-to-end", names);
        Assert.Equal(client.ClientId, seen.GetProperty("client_id").GetString());
        Assert.Equal("view", seen.GetProperty("scope").GetString());
        Assert.Equal("127.0.0.1", seen.GetProperty("forwarded_for").GetString());
        Assert.Equal("http", seen.GetProperty("forwarded_proto").GetString());
        Assert.Equal(fixture.Gateway.BaseAddress.Authority, seen.GetProperty("forwarded_host").GetString());
        Assert.Equal("/timetravels", seen.GetProperty("forwarded_prefix").GetString());
    }

    [Fact]
    public async Task TwoAuthorizationHeaderLines_Returns400InvalidRequest()
    {
        var token = await GetTokenAsync(Http, await CreateClientAsync(Http, "view"));
        // HttpClient folds repeated headers into one line, so this request is written by hand.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = $"GET /timetravels/bookings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));

        var response = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("\"error\":\"invalid_request\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoBearerValuesInOneLine_Returns401InvalidToken()
    {
        var token = await GetTokenAsync(Http, await CreateClientAsync(Http, "view"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/timetravels/bookings");
        request.Headers.TryAddWithoutValidation("Authorization", [$"Bearer {token}", $"Bearer {token}"]);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_token", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_LiveAndReady()
    {
        using var live = await Http.GetAsync("/healthz");
        using var ready = await Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ReadJsonAsync(ready)).GetProperty("status").GetString());
    }
}
