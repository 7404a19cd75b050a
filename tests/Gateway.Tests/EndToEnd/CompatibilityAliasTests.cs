using System.Net;
using System.Text;
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
        var client = await CreateClientAsync(Http, "view");

        // No grant_type: the alias fills in refresh_token and the token endpoint judges it (the refresh
        // grant is built on another branch; until then it is refused as not enabled, never as missing).
        using var defaulted = await PostFormAsync(Http, "/invoke/pub.oauth/refreshAccessToken", client, [new("refresh_token", "abc")]);
        var error = (await ReadJsonAsync(defaulted)).GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, defaulted.StatusCode);
        Assert.NotEqual("invalid_request", error);
        Assert.Contains(error, (string[])["unsupported_grant_type", "invalid_grant"]);
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
