using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST /oauth2/revoke, RFC 7009, over real sockets and through the proxy.</summary>
[Collection(SharedGateway.Name)]
public sealed class RevocationEndpointTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private async Task<HttpStatusCode> GetBookingsAsync(string token)
    {
        using var request = Api(HttpMethod.Get, "/timetravels/bookings", token);
        using var response = await Http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("invalid_token", (await ReadJsonAsync(response)).GetProperty("error").GetString());
            Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        return response.StatusCode;
    }

    [Fact]
    public async Task OwnToken_Returns200EmptyAndNextProxiedRequestIs401InvalidToken()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(token));

        using var revoke = await RevokeAsync(Http, client, token);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("", await revoke.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await GetBookingsAsync(token));
    }

    [Fact]
    public async Task AnotherClientsToken_Returns400UnauthorizedClientAndTokenStillWorks()
    {
        var owner = await CreateClientAsync(Http, "view");
        var other = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, owner);

        using var revoke = await RevokeAsync(Http, other, token);

        // RFC 7009 section 2.1: the request is refused and the client told so; the token is left alone.
        Assert.Equal(HttpStatusCode.BadRequest, revoke.StatusCode);
        var body = await ReadJsonAsync(revoke);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
        Assert.True(revoke.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(token));
    }

    [Fact]
    public async Task AnotherClientsRefreshToken_Returns400UnauthorizedClientAndGrantSurvives()
    {
        var registered = await GrantCalls.CreateClientAsync(Http, """{"scope":"view","grant_types":["password","refresh_token"],"refresh_limit":2}""");
        var username = $"rv-{Guid.NewGuid():n}"[..20];
        await GrantCalls.CreateUserAsync(Http, username, "outatime-1985");
        var tokens = await GrantCalls.ReadTokensAsync(await GrantCalls.PasswordAsync(Http, registered, username, "outatime-1985"));
        var other = await CreateClientAsync(Http, "view");

        using var revoke = await RevokeAsync(Http, other, tokens.RefreshToken!);

        Assert.Equal(HttpStatusCode.BadRequest, revoke.StatusCode);
        Assert.Equal("unauthorized_client", (await ReadJsonAsync(revoke)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task UnknownToken_Returns200()
    {
        var client = await CreateClientAsync(Http, "view");

        using var unknown = await RevokeAsync(Http, client, global::FastGateway.OAuth.AccessTokens.Generate());
        using var garbage = await RevokeAsync(Http, client, "%%% not a token");

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
    }

    [Fact]
    public async Task ClientSecretPost_RevokesAndIsIdempotent()
    {
        var client = await CreateClientFromMetadataAsync(Http, """{"scope":"view","token_endpoint_auth_method":"client_secret_post"}""");
        using var issued = await RequestTokenWithFormAsync(Http, client);
        var token = (await ReadJsonAsync(issued)).GetProperty("access_token").GetString()!;
        KeyValuePair<string, string>[] form =
            [new("client_id", client.ClientId), new("client_secret", client.ClientSecret), new("token", token), new("token_type_hint", "access_token")];

        using var first = await PostFormAsync(Http, "/oauth2/revoke", null, form);
        using var second = await PostFormAsync(Http, "/oauth2/revoke", null, form);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetBookingsAsync(token));
    }

    [Fact]
    public async Task WrongClientSecret_Returns401InvalidClientAndTokenStillWorks()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        using var revoke = await RevokeAsync(Http, client with { ClientSecret = "wrong" }, token);

        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
        Assert.Equal("Basic", revoke.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", (await ReadJsonAsync(revoke)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(token));
    }

    [Fact]
    public async Task MissingToken_Returns400InvalidRequest()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await PostFormAsync(Http, "/oauth2/revoke", client, []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task BasicClientSendingSecretInForm_Returns401WithChallengeAndTokenStillWorks()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        using var revoke = await PostFormAsync(Http, "/oauth2/revoke", null, [new("client_id", client.ClientId), new("client_secret", client.ClientSecret), new("token", token)]);

        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
        Assert.Equal("Basic realm=\"FastGateway\", charset=\"UTF-8\"", revoke.Headers.WwwAuthenticate.ToString());
        Assert.Equal("invalid_client", (await ReadJsonAsync(revoke)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(token));
    }
}
