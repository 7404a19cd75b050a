using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST /oauth2/token with grant_type=client_credentials, RFC 6749 sections 4.4, 5.1 and 5.2.</summary>
[Collection(SharedGateway.Name)]
public sealed class TokenEndpointTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ClientSecretBasic_ReturnsRfc6749TokenResponseWithApigeeExtras()
    {
        var client = await CreateClientAsync(Http, "view book");

        using var response = await RequestTokenAsync(Http, client, "view");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var body = await ReadJsonAsync(response);
        var token = body.GetProperty("access_token").GetString()!;
        Assert.Equal(43, token.Length); // 256 bits, base64url without padding
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("view", body.GetProperty("scope").GetString());
        Assert.Equal(client.ClientId, body.GetProperty("client_id").GetString());
        Assert.InRange(body.GetProperty("issued_at").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }

    [Fact]
    public async Task ClientSecretPost_IssuesToken_WithAllAllowedScopesByDefault()
    {
        var client = await CreateClientFromMetadataAsync(Http, """{"scope":"view cancel","token_endpoint_auth_method":"client_secret_post"}""");

        using var response = await Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scopes = (await ReadJsonAsync(response)).GetProperty("scope").GetString()!.Split(' ');
        Assert.Equal(["cancel", "view"], scopes.Order());
    }

    [Fact]
    public async Task WrongSecret_Basic_Returns401InvalidClientWithBasicChallenge()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await RequestTokenAsync(Http, client with { ClientSecret = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task WrongSecret_Post_Returns401InvalidClient()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = "wrong",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // RFC 6749 section 5.2 / RFC 7235 section 3.1: a 401 carries a challenge even when Basic was not used.
        Assert.Equal("Basic realm=\"FastGateway\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task TokenEndpointAuthMethod_WrongMethodWithRightSecret_Returns401InvalidClient()
    {
        var basicClient = await CreateClientAsync(Http, "view");
        var postClient = await CreateClientFromMetadataAsync(Http, """{"scope":"view","token_endpoint_auth_method":"client_secret_post"}""");

        using var basicInForm = await RequestTokenWithFormAsync(Http, basicClient);
        using var postWithBasic = await RequestTokenAsync(Http, postClient);
        using var postInForm = await RequestTokenWithFormAsync(Http, postClient);
        using var basicWithBasic = await RequestTokenAsync(Http, basicClient);

        foreach (var refused in new[] { basicInForm, postWithBasic })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
            var body = await ReadJsonAsync(refused);
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
            Assert.Contains("token_endpoint_auth_method", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, postInForm.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basicWithBasic.StatusCode);
    }

    [Fact]
    public async Task UnknownClient_Returns401InvalidClient()
    {
        using var response = await RequestTokenAsync(Http, new ClientCredentials("no-such-client", "secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("view book", "invalid_scope")]
    [InlineData("teleport", "invalid_scope")]
    public async Task ScopeOutsideAllowance_Returns400InvalidScope(string scope, string error)
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await RequestTokenAsync(Http, client, scope);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("grant_type=password&username=a&password=b", "unauthorized_client")] // a client_credentials client
    [InlineData("grant_type=teleportation", "unsupported_grant_type")]
    [InlineData("scope=view", "invalid_request")]
    [InlineData("grant_type=client_credentials&grant_type=client_credentials", "invalid_request")]
    public async Task BadGrantRequest_Returns400WithRfcError(string form, string error)
    {
        var client = await CreateClientAsync(Http, "view");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}")));

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task JsonBody_Returns400InvalidRequest()
    {
        using var response = await Http.PostAsync("/oauth2/token", new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task OversizedBody_Returns413AndGatewayStaysHealthy()
    {
        var huge = "grant_type=client_credentials&padding=" + new string('a', 64 * 1024);

        using var response = await Http.PostAsync("/oauth2/token", new StringContent(huge, Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var health = await Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ReadJsonAsync(response)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task BothBasicAndPostCredentials_Returns400InvalidRequest()
    {
        var client = await CreateClientAsync(Http, "view");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = client.ClientId,
                ["client_secret"] = client.ClientSecret,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}")));

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }
}
