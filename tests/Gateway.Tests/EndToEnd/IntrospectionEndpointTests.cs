using System.Net;
using System.Text.Json;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST /oauth2/introspect, RFC 7662, over real sockets.</summary>
[Collection(SharedGateway.Name)]
public sealed class IntrospectionEndpointTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private async Task<JsonElement> IntrospectOkAsync(ClientCredentials caller, string token)
    {
        using var response = await IntrospectAsync(Http, caller, token);
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.True(response.Headers.CacheControl?.NoStore);
        return body;
    }

    [Fact]
    public async Task ActiveClientCredentialsToken_ReturnsEveryField()
    {
        var client = await CreateClientAsync(Http, "view book");
        var token = await GetTokenAsync(Http, client, "view book");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var body = await IntrospectOkAsync(client, token);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("view book", body.GetProperty("scope").GetString());
        Assert.Equal(client.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(client.ClientId, body.GetProperty("sub").GetString());
        Assert.False(body.TryGetProperty("username", out _)); // no resource owner in client credentials
        var iat = body.GetProperty("iat").GetInt64();
        Assert.InRange(iat, now - 60, now + 5);
        Assert.Equal(iat + 3600, body.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task NeverExpiringToken_OmitsExp()
    {
        var client = await CreateClientAsync(Http, "view", accessTokenLifetime: -1);
        var token = await GetTokenAsync(Http, client);

        var body = await IntrospectOkAsync(client, token);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.False(body.TryGetProperty("exp", out _));
    }

    [Fact]
    public async Task AnotherConfidentialClientsToken_IsIntrospected()
    {
        var owner = await CreateClientAsync(Http, "view");
        var resourceServer = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, owner);

        var body = await IntrospectOkAsync(resourceServer, token);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(owner.ClientId, body.GetProperty("client_id").GetString());
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("garbage")]
    [InlineData("too-long")]
    public async Task UnknownOrGarbageToken_ReturnsOnlyActiveFalse(string kind)
    {
        var client = await CreateClientAsync(Http, "view");
        var token = kind switch
        {
            "unknown" => global::FastGateway.OAuth.AccessTokens.Generate(),
            "garbage" => "ü not a token %%",
            _ => new string('a', 5000),
        };

        var body = await IntrospectOkAsync(client, token);

        Assert.Equal("""{"active":false}""", body.GetRawText());
    }

    [Fact]
    public async Task ExpiredToken_ReturnsActiveFalse()
    {
        var client = await CreateClientAsync(Http, "view", accessTokenLifetime: 1);
        var token = await GetTokenAsync(Http, client);

        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var body = await IntrospectOkAsync(client, token);

        Assert.Equal("""{"active":false}""", body.GetRawText());
    }

    [Fact]
    public async Task RevokedToken_ReturnsActiveFalse()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);
        using (var revoke = await RevokeAsync(Http, client, token))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var body = await IntrospectOkAsync(client, token);

        Assert.Equal("""{"active":false}""", body.GetRawText());
    }

    [Fact]
    public async Task WrongClientSecret_Returns401InvalidClient()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        using var response = await IntrospectAsync(Http, client with { ClientSecret = "wrong" }, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task NoClientAuthentication_Returns401InvalidClient()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        using var response = await PostFormAsync(Http, "/oauth2/introspect", null, [new("token", token)]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task PublicClient_Returns401InvalidClient()
    {
        var confidential = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, confidential);
        var publicClient = await CreateClientFromMetadataAsync(Http,
            """{"client_name":"spa","scope":"view","token_endpoint_auth_method":"none","grant_types":["authorization_code"],"redirect_uris":["https://spa.example/cb"]}""");

        using var response = await PostFormAsync(Http, "/oauth2/introspect", null, [new("client_id", publicClient.ClientId), new("token", token)]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClientSecretPost_AndTokenTypeHint_AreAccepted()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        // A wrong hint must not hide the token (RFC 7662 section 2.1: search across all types).
        using var response = await PostFormAsync(Http, "/oauth2/introspect", null,
            [new("client_id", client.ClientId), new("client_secret", client.ClientSecret), new("token", token), new("token_type_hint", "refresh_token")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task MissingToken_Returns400InvalidRequest()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await PostFormAsync(Http, "/oauth2/introspect", client, [new("token_type_hint", "access_token")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }
}
