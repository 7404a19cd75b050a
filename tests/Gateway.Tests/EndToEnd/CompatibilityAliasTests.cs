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

    /// <summary>The access token of an Apigee-shaped answer (Compatibility:ApigeeResponseShape, on by default).</summary>
    private static async Task<string> ApigeeTokenFromAsync(HttpResponseMessage response)
    {
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("BearerToken", body.GetProperty("token_type").GetString());
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
        var microgateway = await CreateResourceServerAsync(Http);
        var token = await GetTokenAsync(Http, client);

        using var introspection = await IntrospectAsync(Http, microgateway, token, "/invoke/pub.oauth/introspectToken");
        var active = (await ReadJsonAsync(introspection)).GetProperty("active").GetBoolean();
        using var refused = await IntrospectAsync(Http, client, token, "/invoke/pub.oauth/introspectToken");
        using var revocation = await RevokeAsync(Http, client, token, "/invoke/pub.oauth/revokeToken");
        using var after = await IntrospectAsync(Http, microgateway, token, "/invoke/pub.oauth/introspectToken");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

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

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await ApigeeTokenFromAsync(response)));
    }

    [Fact]
    public async Task ApigeeAccessToken_GrantTypeInQuery_CredentialsInForm()
    {
        // The Apigee document's own call sends the key and secret in the form: such an app is client_secret_post.
        var client = await CreateClientFromMetadataAsync(Http, """{"scope":"view","token_endpoint_auth_method":"client_secret_post"}""");

        using var response = await Http.PostAsync("/oauth/client_credential/accesstoken?grant_type=client_credentials", new FormUrlEncodedContent(
            [new("client_id", client.ClientId), new("client_secret", client.ClientSecret)]));

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await ApigeeTokenFromAsync(response)));
    }

    [Fact]
    public async Task ApigeeAccessToken_AnswersInApigeeShape()
    {
        var client = await CreateClientFromMetadataAsync(Http, """{"client_name":"weatherapp","scope":"view book","contacts":["dev@weather.example"],"access_token_lifetime":3599}""");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/client_credential/accesstoken?grant_type=client_credentials");
        request.Headers.Authorization = Basic(client);

        using var response = await Http.SendAsync(request);
        var body = await ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.True(response.Headers.CacheControl?.NoStore);
        // Every value is a JSON string, as Apigee Edge sends them (the seed document's response).
        foreach (var member in body.EnumerateObject())
        {
            Assert.True(member.Value.ValueKind == System.Text.Json.JsonValueKind.String, $"{member.Name} is {member.Value.ValueKind}");
        }

        var issuedAt = long.Parse(body.GetProperty("issued_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(issuedAt, before - 2000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000); // milliseconds
        Assert.Equal("3599", body.GetProperty("expires_in").GetString());
        Assert.Equal("approved", body.GetProperty("status").GetString());
        Assert.Equal("weatherapp", body.GetProperty("application_name").GetString());
        Assert.Equal("[timetravels]", body.GetProperty("api_product_list").GetString());
        Assert.Equal("0", body.GetProperty("refresh_token_expires_in").GetString());
        Assert.Equal("0", body.GetProperty("refresh_count").GetString());
        Assert.Equal("BearerToken", body.GetProperty("token_type").GetString());
        Assert.Equal(client.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal("fastgateway", body.GetProperty("organization_name").GetString());
        Assert.Equal("0", body.GetProperty("organization_id").GetString());
        Assert.Equal("dev@weather.example", body.GetProperty("developer.email").GetString());
        Assert.Equal("view book", body.GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(body.GetProperty("access_token").GetString()!));

        // The standard endpoint stays RFC 6749 section 5.1 exact.
        using var standard = await RequestTokenAsync(Http, client);
        var rfc = await ReadJsonAsync(standard);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, rfc.GetProperty("expires_in").ValueKind);
        Assert.Equal("Bearer", rfc.GetProperty("token_type").GetString());
        Assert.False(rfc.TryGetProperty("status", out _));
    }

    [Fact]
    public async Task ApigeeAccessToken_PasswordGrant_RefreshTokenFieldsInApigeeShape()
    {
        var username = $"apg-{Guid.NewGuid():n}"[..20];
        await GrantCalls.CreateUserAsync(Http, username, "outatime-1985");
        var client = await CreateClientFromMetadataAsync(Http, """{"scope":"view","grant_types":["password","refresh_token"],"refresh_limit":2}""");

        using var response = await PostFormAsync(Http, "/oauth/client_credential/accesstoken?grant_type=password", client,
            [new("username", username), new("password", "outatime-1985")]);
        var body = await ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        Assert.Equal("approved", body.GetProperty("refresh_token_status").GetString());
        Assert.Equal(body.GetProperty("issued_at").GetString(), body.GetProperty("refresh_token_issued_at").GetString());
        Assert.Equal("2592000", body.GetProperty("refresh_token_expires_in").GetString()); // OAuth:RefreshTokenLifetime
        Assert.Equal("0", body.GetProperty("refresh_count").GetString());
    }

    [Fact]
    public async Task ImportedApigeeCredentials_GetTokenAtApigeeAlias()
    {
        // An Apigee app's consumer key and 16-character consumer secret, imported unchanged.
        var consumerKey = "bBGAQrXgivA9lKu7" + Guid.NewGuid().ToString("n")[..16];
        const string ConsumerSecret = "hAr4Gn0gA9vAyvI4";
        var imported = await CreateClientFromMetadataAsync(Http,
            $$"""{"client_id":"{{consumerKey}}","client_secret":"{{ConsumerSecret}}","client_name":"weatherapp","scope":"view"}""");
        Assert.Equal(ConsumerSecret, imported.ClientSecret);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/client_credential/accesstoken?grant_type=client_credentials");
        request.Headers.Authorization = Basic(new ClientCredentials(consumerKey, ConsumerSecret));
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, await GetBookingsAsync(await ApigeeTokenFromAsync(response)));
    }

    [Fact]
    public async Task WebMethodsGetAccessToken_WrongSecretInForm_Returns401WithBasicChallenge()
    {
        var client = await CreateClientFromMetadataAsync(Http, """{"scope":"view","token_endpoint_auth_method":"client_secret_post"}""");

        using var response = await RequestTokenWithFormAsync(Http, client with { ClientSecret = "wrong" }, "/invoke/pub.apigateway.oauth2/getAccessToken");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"FastGateway\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
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
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }
}
