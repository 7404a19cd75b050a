using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FastGateway.Tests.Infrastructure;

/// <summary>Token-endpoint calls for the user grants (password, refresh_token), over real HTTP.</summary>
public static class GrantCalls
{
    /// <summary>A registered client; <see cref="ClientSecret"/> is null for a public client.</summary>
    public sealed record RegisteredClient(string ClientId, string? ClientSecret);

    /// <summary>Tokens from a successful token response.</summary>
    public sealed record Tokens(string AccessToken, string? RefreshToken, string Scope);

    /// <summary>Registers a client from raw RFC 7591 metadata JSON through the admin API.</summary>
    public static async Task<RegisteredClient> CreateClientAsync(HttpClient http, string json)
    {
        using var response = await AdminPostAsync(http, "/admin/v1/clients", json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return new RegisteredClient(root.GetProperty("client_id").GetString()!, root.TryGetProperty("client_secret", out var secret) ? secret.GetString() : null);
    }

    /// <summary>Creates a resource owner through the admin API.</summary>
    public static async Task CreateUserAsync(HttpClient http, string username, string password)
    {
        using var response = await AdminPostAsync(http, "/admin/v1/users", $$"""{"username":"{{username}}","password":"{{password}}"}""");
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs a token request; the client authenticates with HTTP Basic, or with client_id alone when public.</summary>
    public static Task<HttpResponseMessage> TokenAsync(HttpClient http, RegisteredClient client, params (string Name, string Value)[] parameters)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token");
        var form = new List<KeyValuePair<string, string>>();
        if (client.ClientSecret is null)
        {
            form.Add(new("client_id", client.ClientId));
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret)}")));
        }

        foreach (var (name, value) in parameters)
        {
            form.Add(new(name, value));
        }

        request.Content = new FormUrlEncodedContent(form);
        return http.SendAsync(request);
    }

    /// <summary>grant_type=password.</summary>
    public static Task<HttpResponseMessage> PasswordAsync(HttpClient http, RegisteredClient client, string username, string password, string? scope = null) =>
        TokenAsync(http, client, [("grant_type", "password"), ("username", username), ("password", password), .. Scope(scope)]);

    /// <summary>grant_type=refresh_token.</summary>
    public static Task<HttpResponseMessage> RefreshAsync(HttpClient http, RegisteredClient client, string refreshToken, string? scope = null) =>
        TokenAsync(http, client, [("grant_type", "refresh_token"), ("refresh_token", refreshToken), .. Scope(scope)]);

    /// <summary>Reads a 200 token response or fails the test with the body.</summary>
    public static async Task<Tokens> ReadTokensAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return new Tokens(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            root.GetProperty("scope").GetString()!);
    }

    /// <summary>Asserts a 400 with the given RFC 6749 section 5.2 error code; returns the description.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(error, document.RootElement.GetProperty("error").GetString());
        return document.RootElement.GetProperty("error_description").GetString()!;
    }

    /// <summary>GET /timetravels/bookings with the token: the status and, when 200, the owner the upstream saw.</summary>
    public static async Task<(HttpStatusCode Status, string? Owner, string? Scope)> GetBookingsAsync(HttpClient http, string accessToken)
    {
        using var request = OAuthCalls.Api(HttpMethod.Get, "/timetravels/bookings", accessToken);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, null, null);
        }

        var seen = (await OAuthCalls.ReadJsonAsync(response)).GetProperty("received_identity");
        return (response.StatusCode, seen.GetProperty("owner").GetString(), seen.GetProperty("scope").GetString());
    }

    private static (string, string)[] Scope(string? scope) => scope is null ? [] : [("scope", scope)];

    private static Task<HttpResponseMessage> AdminPostAsync(HttpClient http, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return http.SendAsync(request);
    }
}
