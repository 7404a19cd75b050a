using System.Net;
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
    public async Task AnotherClientsToken_Returns200ButTokenStillWorks()
    {
        var owner = await CreateClientAsync(Http, "view");
        var other = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, owner);

        using var revoke = await RevokeAsync(Http, other, token);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(token));
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
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);
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
}
