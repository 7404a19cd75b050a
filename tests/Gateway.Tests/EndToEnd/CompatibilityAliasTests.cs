using System.Net;
using System.Text;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>webMethods API Gateway and Apigee Edge OAuth URLs, mapped onto the standard endpoints.</summary>
[Collection(SharedGateway.Name)]
public sealed class CompatibilityAliasTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static async Task<string> TokenFromAsync(HttpResponseMessage response)
    {
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        return body.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpStatusCode> GetBookingsAsync(string token)
    {
        using var request = Api(HttpMethod.Get, "/timetravels/bookings", token);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task WebMethodsGetAccessToken_IssuesTokenThatWorks()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await PostFormAsync(Http, "/invoke/pub.apigateway.oauth2/getAccessToken", client, [new("grant_type", "client_credentials"), new("scope", "view")]);

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await TokenFromAsync(response)));
    }

    [Fact]
    public async Task WebMethodsIntrospectAndRevokeToken_BehaveAsTheStandardEndpoints()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        using var introspection = await IntrospectAsync(Http, client, token, "/invoke/pub.oauth/introspectToken");
        var active = (await ReadJsonAsync(introspection)).GetProperty("active").GetBoolean();
        using var revocation = await RevokeAsync(Http, client, token, "/invoke/pub.oauth/revokeToken");
        using var after = await IntrospectAsync(Http, client, token, "/invoke/pub.oauth/introspectToken");

        Assert.True(active);
        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
        Assert.False((await ReadJsonAsync(after)).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, await GetBookingsAsync(token));
    }

    [Fact]
    public async Task WebMethodsRefreshAccessToken_DefaultsGrantTypeToRefreshToken()
    {
        var username = $"alias-{Guid.NewGuid():n}"[..20];
        await GrantCalls.CreateUserAsync(Http, username, "outatime-1985");
        var registered = await GrantCalls.CreateClientAsync(Http, """{"scope":"view","grant_types":["password","refresh_token"],"refresh_limit":2}""");
        var first = await GrantCalls.ReadTokensAsync(await GrantCalls.PasswordAsync(Http, registered, username, "outatime-1985"));
        var client = new ClientCredentials(registered.ClientId, registered.ClientSecret!);

        // No grant_type: the alias fills in refresh_token, as webMethods' refreshAccessToken service implies.
        using var refreshed = await PostFormAsync(Http, "/invoke/pub.oauth/refreshAccessToken", client, [new("refresh_token", first.RefreshToken!)]);
        var tokens = await GrantCalls.ReadTokensAsync(refreshed);

        Assert.NotEqual(first.AccessToken, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(tokens.AccessToken));
    }

    [Fact]
    public async Task WebMethodsRefreshAccessToken_PassesAnExplicitGrantTypeThrough()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await PostFormAsync(Http, "/invoke/pub.oauth/refreshAccessToken", client, [new("grant_type", "client_credentials")]);

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await TokenFromAsync(response)));
    }

    [Fact]
    public async Task ApigeeAccessToken_GrantTypeInQuery_BasicAndNoBody()
    {
        var client = await CreateClientAsync(Http, "view");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/client_credential/accesstoken?grant_type=client_credentials");
        request.Headers.Authorization = Basic(client);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await TokenFromAsync(response)));
    }

    [Fact]
    public async Task ApigeeAccessToken_GrantTypeInQuery_CredentialsInForm()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await Http.PostAsync("/oauth/client_credential/accesstoken?grant_type=client_credentials", new FormUrlEncodedContent(
            [new("client_id", client.ClientId), new("client_secret", client.ClientSecret)]));

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await TokenFromAsync(response)));
    }

    [Fact]
    public async Task ApigeeAccessToken_WithoutGrantType_Returns400InvalidRequest()
    {
        var client = await CreateClientAsync(Http, "view");

        using var response = await PostFormAsync(Http, "/oauth/client_credential/accesstoken", client, []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ApigeeAccessToken_WrongSecret_Returns401InvalidClient()
    {
        var client = await CreateClientAsync(Http, "view");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/client_credential/accesstoken?grant_type=client_credentials")
        {
            Content = new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = Basic(client with { ClientSecret = "wrong" });

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }
}
