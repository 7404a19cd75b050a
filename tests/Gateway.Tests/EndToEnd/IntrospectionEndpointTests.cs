using System.Net;
using System.Text.Json;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST /oauth2/introspect, RFC 7662, over real sockets.</summary>
[Collection(SharedGateway.Name)]
public sealed class IntrospectionEndpointTests(GatewayFixture fixture)
{
    private ClientCredentials? _resourceServer;

    private HttpClient Http => fixture.Http;

    /// <summary>The caller of the introspection endpoint: a resource server, the kind of client allowed to introspect.</summary>
    private async Task<ClientCredentials> ResourceServerAsync() => _resourceServer ??= await CreateResourceServerAsync(Http);

    private async Task<JsonElement> IntrospectOkAsync(string token)
    {
        using var response = await IntrospectAsync(Http, await ResourceServerAsync(), token);
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

        var body = await IntrospectOkAsync(token);

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

        var body = await IntrospectOkAsync(token);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.False(body.TryGetProperty("exp", out _));
    }

    [Fact]
    public async Task ResourceServer_IntrospectsAnotherClientsToken()
    {
        var owner = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, owner);

        var body = await IntrospectOkAsync(token);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(owner.ClientId, body.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task ClientWithoutIntrospectionPermission_Returns403UnauthorizedClient_EvenForItsOwnToken()
    {
        var owner = await CreateClientAsync(Http, "view");
        var other = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, owner);

        foreach (var caller in new[] { other, owner })
        {
            using var response = await IntrospectAsync(Http, caller, token);
            var body = await ReadJsonAsync(response);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
            Assert.Contains("introspection", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
            Assert.False(body.TryGetProperty("active", out _));
        }
    }

    [Fact]
    public async Task IntrospectionPermission_GrantedWithPatch_ThenIntrospects()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);
        using (var refused = await IntrospectAsync(Http, client, token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"/admin/v1/clients/{client.ClientId}"))
        {
            patch.Headers.Authorization = new("Bearer", global::FastGateway.Tests.Infrastructure.GatewayProcess.AdminKey);
            patch.Content = new StringContent("""{"introspection":true}""", System.Text.Encoding.UTF8, "application/json");
            using var patched = await Http.SendAsync(patch);
            Assert.True((await ReadJsonAsync(patched)).GetProperty("introspection").GetBoolean());
        }

        using var allowed = await IntrospectAsync(Http, client, token);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True((await ReadJsonAsync(allowed)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task BasicClientSendingSecretInForm_Returns401InvalidClientWithChallenge()
    {
        var resourceServer = await ResourceServerAsync();
        var token = await GetTokenAsync(Http, await CreateClientAsync(Http, "view"));

        using var response = await PostFormAsync(Http, "/oauth2/introspect", null,
            [new("client_id", resourceServer.ClientId), new("client_secret", resourceServer.ClientSecret), new("token", token)]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
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

        var body = await IntrospectOkAsync(token);

        Assert.Equal("""{"active":false}""", body.GetRawText());
    }

    [Fact]
    public async Task ExpiredToken_ReturnsActiveFalse()
    {
        var client = await CreateClientAsync(Http, "view", accessTokenLifetime: 1);
        var token = await GetTokenAsync(Http, client);

        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var body = await IntrospectOkAsync(token);

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

        var body = await IntrospectOkAsync(token);

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
        Assert.Equal("Basic realm=\"FastGateway\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
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
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClientSecretPost_AndTokenTypeHint_AreAccepted()
    {
        var client = await CreateResourceServerAsync(Http, "client_secret_post");
        var token = await GetTokenAsync(Http, await CreateClientAsync(Http, "view"));

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
