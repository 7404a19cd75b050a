using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST/GET /admin/v1/clients: RFC 7591 metadata names, secret shown once, admin key required.</summary>
[Collection(SharedGateway.Name)]
public sealed class AdminClientsTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static HttpRequestMessage Admin(HttpMethod method, string path, string? json = null, string key = GatewayProcess.AdminKey)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    [Fact]
    public async Task Create_ReturnsRfc7591InformationWithSecretOnce_GetOmitsSecret()
    {
        using var created = await Http.SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients",
            """{"client_id":"book-your-ticket","client_name":"BookYourTicket","scope":"view book","access_token_lifetime":-1}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await ReadJsonAsync(created);
        Assert.Equal("book-your-ticket", body.GetProperty("client_id").GetString());
        Assert.Equal(43, body.GetProperty("client_secret").GetString()!.Length);
        Assert.Equal("view book", body.GetProperty("scope").GetString());
        Assert.Equal("client_secret_basic", body.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal(["client_credentials"], body.GetProperty("grant_types").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(-1, body.GetProperty("access_token_lifetime").GetInt32());

        using var fetched = await Http.SendAsync(Admin(HttpMethod.Get, "/admin/v1/clients/book-your-ticket"));
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        var read = await ReadJsonAsync(fetched);
        Assert.False(read.TryGetProperty("client_secret", out _));
        Assert.Equal("BookYourTicket", read.GetProperty("client_name").GetString());

        // A never-expiring token has no expires_in (RFC 6749 section 5.1 makes it optional).
        using var token = await RequestTokenAsync(Http, new ClientCredentials("book-your-ticket", body.GetProperty("client_secret").GetString()!));
        Assert.False((await ReadJsonAsync(token)).TryGetProperty("expires_in", out _));
    }

    [Fact]
    public async Task Create_DuplicateClientId_Returns409()
    {
        using var first = await Http.SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", """{"client_id":"dup-client","scope":"view"}"""));
        using var second = await Http.SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", """{"client_id":"dup-client","scope":"view"}"""));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Theory]
    [InlineData("""{"scope":"teleport"}""", "invalid_client_metadata")]
    [InlineData("""{"grant_types":["magic"]}""", "invalid_client_metadata")]
    [InlineData("""{"client_id":"has space"}""", "invalid_client_metadata")]
    [InlineData("""{"access_token_lifetime":0}""", "invalid_client_metadata")]
    [InlineData("""{"redirect_uris":["not a uri"]}""", "invalid_redirect_uri")]
    [InlineData("""{"clientname":"typo"}""", "invalid_request")]
    [InlineData("""{"client_name": """, "invalid_request")]
    [InlineData("""[1,2,3]""", "invalid_request")]
    public async Task Create_BadMetadata_Returns400WithReason(string json, string error)
    {
        using var response = await Http.SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task WrongOrMissingAdminKey_Returns401AndCreatesNothing()
    {
        using var wrong = await Http.SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", """{"client_id":"sneaky","scope":"view"}""", key: "not-the-key"));
        using var missing = await Http.PostAsync("/admin/v1/clients", new StringContent("""{"client_id":"sneaky","scope":"view"}""", Encoding.UTF8, "application/json"));
        using var lookup = await Http.SendAsync(Admin(HttpMethod.Get, "/admin/v1/clients/sneaky"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        // Every 401 carries a challenge (RFC 7235 section 3.1), the admin API's too.
        Assert.Equal("Bearer", wrong.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task ClientSecret_StoredHashedNeverInPlainText()
    {
        var client = await CreateClientAsync(Http, "view");

        var stored = await File.ReadAllTextAsync(Path.Combine(fixture.Gateway.StoragePath, "clients.json"));

        Assert.Contains(client.ClientId, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(client.ClientSecret, stored, StringComparison.Ordinal);
    }
}
