using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FastGateway.Tests.Infrastructure;

/// <summary>What a test does against a gateway's OAuth and admin endpoints, over real HTTP.</summary>
public static class OAuthCalls
{
    public sealed record ClientCredentials(string ClientId, string ClientSecret);

    /// <summary>Registers a client through the admin API.</summary>
    public static async Task<ClientCredentials> CreateClientAsync(HttpClient http, string scope, int? accessTokenLifetime = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/clients");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        var body = accessTokenLifetime is null
            ? $$"""{"client_name":"test","scope":"{{scope}}"}"""
            : $$"""{"client_name":"test","scope":"{{scope}}","access_token_lifetime":{{accessTokenLifetime}}}""";
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json);
        using var document = JsonDocument.Parse(json);
        return new ClientCredentials(document.RootElement.GetProperty("client_id").GetString()!, document.RootElement.GetProperty("client_secret").GetString()!);
    }

    /// <summary>
    /// Registers a resource server's client: confidential, with the introspection permission (RFC 7662 section 2.1),
    /// authenticating with <paramref name="authMethod"/>.
    /// </summary>
    public static Task<ClientCredentials> CreateResourceServerAsync(HttpClient http, string authMethod = "client_secret_basic") =>
        CreateClientFromMetadataAsync(http, $$"""{"client_name":"resource server","scope":"view","introspection":true,"token_endpoint_auth_method":"{{authMethod}}"}""");

    /// <summary>client_credentials token request with HTTP Basic; returns the raw response.</summary>
    public static Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, ClientCredentials client, string? scope = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret)}")));
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        request.Content = new FormUrlEncodedContent(form);
        return http.SendAsync(request);
    }

    /// <summary>client_credentials token request with client_id and client_secret in the form (client_secret_post); returns the raw response.</summary>
    public static Task<HttpResponseMessage> RequestTokenWithFormAsync(HttpClient http, ClientCredentials client, string path = "/oauth2/token") =>
        PostFormAsync(http, path, null, [new("grant_type", "client_credentials"), new("client_id", client.ClientId), new("client_secret", client.ClientSecret)]);

    /// <summary>Gets an access token or fails the test.</summary>
    public static async Task<string> GetTokenAsync(HttpClient http, ClientCredentials client, string? scope = null)
    {
        using var response = await RequestTokenAsync(http, client, scope);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A request to a protected API with an optional bearer token.</summary>
    public static HttpRequestMessage Api(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, string token, object body)
    {
        var request = Api(HttpMethod.Post, path, token);
        request.Content = JsonContent.Create(body);
        return http.SendAsync(request);
    }

    /// <summary>An HTTP Basic header for a client (RFC 6749 section 2.3.1: id and secret form-encoded first).</summary>
    public static AuthenticationHeaderValue Basic(ClientCredentials client) => new("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret)}")));

    /// <summary>Registers a client from raw RFC 7591 metadata JSON; the secret is "" for a public client.</summary>
    public static async Task<ClientCredentials> CreateClientFromMetadataAsync(HttpClient http, string metadataJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/clients");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        request.Content = new StringContent(metadataJson, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ClientCredentials(root.GetProperty("client_id").GetString()!, root.TryGetProperty("client_secret", out var secret) ? secret.GetString() ?? "" : "");
    }

    /// <summary>POSTs a form, authenticating with HTTP Basic when <paramref name="basic"/> is given.</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, ClientCredentials? basic, IEnumerable<KeyValuePair<string, string>> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (basic is not null)
        {
            request.Headers.Authorization = Basic(basic);
        }

        return http.SendAsync(request);
    }

    /// <summary>RFC 7662 introspection request, client authenticated with HTTP Basic.</summary>
    public static Task<HttpResponseMessage> IntrospectAsync(HttpClient http, ClientCredentials caller, string token, string path = "/oauth2/introspect") =>
        PostFormAsync(http, path, caller, [new("token", token)]);

    /// <summary>RFC 7009 revocation request, client authenticated with HTTP Basic.</summary>
    public static Task<HttpResponseMessage> RevokeAsync(HttpClient http, ClientCredentials caller, string token, string path = "/oauth2/revoke") =>
        PostFormAsync(http, path, caller, [new("token", token)]);
}
