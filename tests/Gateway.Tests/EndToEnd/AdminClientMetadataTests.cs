using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The RFC 7591 fields beyond the basics (response_types, client_uri, contacts, ...), redirect URI rules (RFC 8252),
/// imported credentials (client_id + client_secret) and secret rotation with a grace period, over real sockets.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class AdminClientMetadataTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static HttpRequestMessage Admin(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await Http.SendAsync(request);
            return (response.StatusCode, await ReadJsonAsync(response));
        }
    }

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("n")[..12];

    [Fact]
    public async Task Create_Rfc7591DescriptiveFields_StoredAndEchoed()
    {
        var (status, body) = await SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", """
            {"client_name":"Weather app","scope":"view","grant_types":["authorization_code"],"response_types":["code"],
             "redirect_uris":["https://weather.example/cb","http://127.0.0.1:8400/cb","http://[::1]/cb","http://localhost:9/cb","com.example.weather:/oauth2redirect"],
             "client_uri":"https://weather.example","logo_uri":"https://weather.example/logo.png","contacts":["ops@weather.example"],
             "tos_uri":"https://weather.example/tos","policy_uri":"https://weather.example/privacy","jwks_uri":"https://weather.example/jwks.json",
             "software_id":"4NRB1-0XZABZI9E6-5SM3R","software_version":"2.1"}
            """));

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("client_id").GetString()!;
        var (_, read) = await SendAsync(Admin(HttpMethod.Get, $"/admin/v1/clients/{id}"));
        foreach (var echoed in new[] { body, read })
        {
            Assert.Equal(["code"], echoed.GetProperty("response_types").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("https://weather.example", echoed.GetProperty("client_uri").GetString());
            Assert.Equal("https://weather.example/logo.png", echoed.GetProperty("logo_uri").GetString());
            Assert.Equal(["ops@weather.example"], echoed.GetProperty("contacts").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("https://weather.example/tos", echoed.GetProperty("tos_uri").GetString());
            Assert.Equal("https://weather.example/privacy", echoed.GetProperty("policy_uri").GetString());
            Assert.Equal("https://weather.example/jwks.json", echoed.GetProperty("jwks_uri").GetString());
            Assert.Equal("4NRB1-0XZABZI9E6-5SM3R", echoed.GetProperty("software_id").GetString());
            Assert.Equal("2.1", echoed.GetProperty("software_version").GetString());
            Assert.Equal(5, echoed.GetProperty("redirect_uris").GetArrayLength());
            Assert.False(echoed.GetProperty("introspection").GetBoolean());
        }

        var (patched, patchBody) = await SendAsync(Admin(HttpMethod.Patch, $"/admin/v1/clients/{id}", """{"logo_uri":"","software_version":"2.2"}"""));
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.False(patchBody.TryGetProperty("logo_uri", out _));
        Assert.Equal("2.2", patchBody.GetProperty("software_version").GetString());
        Assert.Equal("https://weather.example", patchBody.GetProperty("client_uri").GetString());
    }

    [Fact]
    public async Task Create_WithoutResponseTypes_DerivesThemFromGrantTypes()
    {
        var (status, body) = await SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients",
            """{"scope":"view","grant_types":["authorization_code","implicit"],"redirect_uris":["https://app.example/cb"]}"""));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["code", "token"], body.GetProperty("response_types").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("""{"grant_types":["client_credentials"],"response_types":["code"]}""", "authorization_code")]
    [InlineData("""{"grant_types":["authorization_code"],"response_types":["token"],"redirect_uris":["https://a.example/cb"]}""", "implicit")]
    [InlineData("""{"grant_types":["authorization_code"],"response_types":[],"redirect_uris":["https://a.example/cb"]}""", "response type code")]
    [InlineData("""{"grant_types":["implicit"],"response_types":["code"],"redirect_uris":["https://a.example/cb"]}""", "authorization_code")]
    [InlineData("""{"response_types":["id_token"]}""", "unknown response type")]
    [InlineData("""{"client_uri":"javascript:alert(1)"}""", "client_uri")]
    [InlineData("""{"jwks_uri":"http://keys.example/jwks"}""", "jwks_uri")]
    [InlineData("""{"contacts":[""]}""", "contacts")]
    [InlineData("""{"client_id":"short-secret-app","client_secret":"only15charsxxxx"}""", "16")]
    [InlineData("""{"token_endpoint_auth_method":"none","grant_types":["authorization_code"],"redirect_uris":["https://a.example/cb"],"client_secret":"0123456789abcdef0123"}""", "public client")]
    public async Task Create_InconsistentMetadata_Returns400InvalidClientMetadata(string json, string reason)
    {
        var (status, body) = await SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_client_metadata", body.GetProperty("error").GetString());
        Assert.Contains(reason, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("https://app.example/cb#fragment")]
    [InlineData("http://app.example/cb")]
    [InlineData("http://10.0.0.5/cb")]
    [InlineData("myapp:/cb")]
    [InlineData("relative/cb")]
    public async Task Create_UnsafeRedirectUri_Returns400InvalidRedirectUri(string uri)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scope"] = "view",
            ["grant_types"] = new[] { "authorization_code" },
            ["redirect_uris"] = new[] { uri },
        });

        var (status, body) = await SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_redirect_uri", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Create_ImportedClientIdAndSecret_TokenWithThoseCredentials()
    {
        var id = NewId("imported-");
        const string Secret = "hAr4Gn0gA9vAyvI4"; // 16 characters, as Apigee's consumer secrets

        var (status, body) = await SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients", $$"""{"client_id":"{{id}}","client_secret":"{{Secret}}","scope":"view"}"""));

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal(id, body.GetProperty("client_id").GetString());
        Assert.Equal(Secret, body.GetProperty("client_secret").GetString());
        Assert.Equal(0, body.GetProperty("client_secret_expires_at").GetInt64());
        var token = await GetTokenAsync(Http, new ClientCredentials(id, Secret));
        Assert.False(string.IsNullOrEmpty(token));
        var stored = await File.ReadAllTextAsync(Path.Combine(fixture.Gateway.StoragePath, "clients.json"));
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ImportedSecretWithPastExpiry_Returns401AfterIt()
    {
        var id = NewId("expired-");
        const string Secret = "expired-secret-0123456789";
        var past = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10;

        var (status, body) = await SendAsync(Admin(HttpMethod.Post, "/admin/v1/clients",
            $$"""{"client_id":"{{id}}","client_secret":"{{Secret}}","client_secret_expires_at":{{past}},"scope":"view"}"""));

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal(past, body.GetProperty("client_secret_expires_at").GetInt64());
        using var response = await RequestTokenAsync(Http, new ClientCredentials(id, Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RotateSecret_WithGraceSeconds_BothSecretsWorkUntilTheOldOneExpires()
    {
        var client = await CreateClientAsync(Http, "view");

        var (status, body) = await SendAsync(Admin(HttpMethod.Post, $"/admin/v1/clients/{client.ClientId}/secret", """{"grace_seconds":2}"""));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var renewed = client with { ClientSecret = body.GetProperty("client_secret").GetString()! };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(body.GetProperty("previous_client_secret_expires_at").GetInt64(), now, now + 3);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(renewed));
        var stored = await File.ReadAllTextAsync(Path.Combine(fixture.Gateway.StoragePath, "clients.json"));
        Assert.DoesNotContain(client.ClientSecret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(renewed.ClientSecret, stored, StringComparison.Ordinal);

        await Task.Delay(TimeSpan.FromSeconds(3.1));

        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(renewed));
        var (_, read) = await SendAsync(Admin(HttpMethod.Get, $"/admin/v1/clients/{client.ClientId}"));
        Assert.False(read.TryGetProperty("previous_client_secret_expires_at", out _));
    }

    [Fact]
    public async Task RotateSecret_GraceSecondsInQuery_OldSecretStillWorks()
    {
        var client = await CreateClientAsync(Http, "view");

        var (status, body) = await SendAsync(Admin(HttpMethod.Post, $"/admin/v1/clients/{client.ClientId}/secret?grace_seconds=600"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(client with { ClientSecret = body.GetProperty("client_secret").GetString()! }));
    }

    [Fact]
    public async Task RotateSecret_WithoutGrace_OldSecretStopsAtOnce()
    {
        var client = await CreateClientAsync(Http, "view");

        var (status, _) = await SendAsync(Admin(HttpMethod.Post, $"/admin/v1/clients/{client.ClientId}/secret"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(client));
    }

    [Theory]
    [InlineData("?grace_seconds=-1", null)]
    [InlineData("?grace_seconds=2592001", null)]
    [InlineData("?grace_seconds=soon", null)]
    [InlineData("?grace_seconds=5", """{"grace_seconds":6}""")]
    [InlineData("", """{"grace":5}""")]
    public async Task RotateSecret_BadGraceSeconds_Returns400AndKeepsTheSecret(string query, string? json)
    {
        var client = await CreateClientAsync(Http, "view");

        var (status, body) = await SendAsync(Admin(HttpMethod.Post, $"/admin/v1/clients/{client.ClientId}/secret{query}", json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(client));
    }

    private async Task<HttpStatusCode> TokenStatusAsync(ClientCredentials client)
    {
        using var response = await RequestTokenAsync(Http, client);
        return response.StatusCode;
    }
}
