using System.Net;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>GET /.well-known/oauth-authorization-server, RFC 8414, over real sockets.</summary>
[Collection(SharedGateway.Name)]
public sealed class MetadataEndpointTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static string[] Strings(JsonElement body, string name) =>
        [.. body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private static async Task<JsonElement> GetMetadataAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/.well-known/oauth-authorization-server");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await ReadJsonAsync(response);
    }

    [Fact]
    public async Task Document_HasEveryField_WithIssuerFromRequest()
    {
        var body = await GetMetadataAsync(Http);
        var issuer = fixture.Gateway.BaseAddress.GetLeftPart(UriPartial.Authority);

        Assert.Equal(issuer, body.GetProperty("issuer").GetString());
        Assert.Equal(issuer + "/oauth2/authorize", body.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(issuer + "/oauth2/token", body.GetProperty("token_endpoint").GetString());
        Assert.Equal(issuer + "/oauth2/introspect", body.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(issuer + "/oauth2/revoke", body.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["authorization_code", "implicit", "password", "client_credentials", "refresh_token"], Strings(body, "grant_types_supported"));
        Assert.Equal(["code", "token"], Strings(body, "response_types_supported"));
        Assert.Equal(["query", "fragment"], Strings(body, "response_modes_supported"));
        Assert.Equal(["S256"], Strings(body, "code_challenge_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Strings(body, "token_endpoint_auth_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(body, "introspection_endpoint_auth_methods_supported"));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], Strings(body, "revocation_endpoint_auth_methods_supported"));
        Assert.Equal(["view", "book", "cancel"], Strings(body, "scopes_supported"));
    }

    [Fact]
    public async Task AdvertisedEndpoints_AnswerAtTheirUrls()
    {
        var body = await GetMetadataAsync(Http);
        var client = await CreateClientAsync(Http, "view");
        var resourceServer = await CreateResourceServerAsync(Http);
        using var absolute = new HttpClient();

        using var tokenResponse = await PostFormAsync(absolute, body.GetProperty("token_endpoint").GetString()!, client, [new("grant_type", "client_credentials")]);
        var token = (await ReadJsonAsync(tokenResponse)).GetProperty("access_token").GetString()!;
        using var introspection = await IntrospectAsync(absolute, resourceServer, token, body.GetProperty("introspection_endpoint").GetString()!);
        var active = (await ReadJsonAsync(introspection)).GetProperty("active").GetBoolean();
        using var revocation = await RevokeAsync(absolute, client, token, body.GetProperty("revocation_endpoint").GetString()!);

        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.True(active);
        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
    }

    [Fact]
    public async Task ConfiguredIssuerAndPlainPkce_AreAdvertised_AndHttpsRuleApplies()
    {
        using var storage = new TempFolder();
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, BrokenUpstreams.Closed(),
            "--OAuth:Issuer=https://auth.example.com/", "--OAuth:AllowPlainPkce=true");
        using var http = gateway.CreateClient();

        var body = await GetMetadataAsync(http);

        Assert.Equal("https://auth.example.com", body.GetProperty("issuer").GetString());
        Assert.Equal("https://auth.example.com/oauth2/token", body.GetProperty("token_endpoint").GetString());
        Assert.Equal(["S256", "plain"], Strings(body, "code_challenge_methods_supported"));
    }

    [Fact]
    public async Task RequireHttps_RefusesPlainHttpOnEveryNewEndpointAndAlias()
    {
        using var storage = new TempFolder();
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, BrokenUpstreams.Closed(), "--OAuth:RequireHttps=true");
        using var http = gateway.CreateClient();

        using var metadata = await http.GetAsync("/.well-known/oauth-authorization-server");
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        foreach (var path in (string[])["/oauth2/introspect", "/oauth2/revoke", "/invoke/pub.apigateway.oauth2/getAccessToken", "/invoke/pub.oauth/refreshAccessToken",
            "/invoke/pub.oauth/introspectToken", "/invoke/pub.oauth/revokeToken", "/oauth/client_credential/accesstoken?grant_type=client_credentials"])
        {
            using var response = await PostFormAsync(http, path, new ClientCredentials("c", "s"), [new("token", "t")]);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, path);
            Assert.Contains("HTTPS", (await ReadJsonAsync(response)).GetProperty("error_description").GetString(), StringComparison.Ordinal);
        }
    }
}
