using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// Drives <c>/oauth2/authorize</c> the way a browser does, without one: a cookie jar, no automatic
/// redirects, the hidden fields read from each page's form. Use <see cref="GetCodeAsync"/> to get an
/// authorization code for token-endpoint tests. The cookie jar matters: it carries the antiforgery cookie and the
/// <c>fastgateway.authorize</c> browser-binding cookie, without which every form post is refused.
/// </summary>
public static partial class AuthorizeFlow
{
    public sealed record PkcePair(string Verifier, string Challenge);

    /// <summary>A fresh RFC 7636 verifier and its S256 challenge.</summary>
    public static PkcePair NewPkce()
    {
        var verifier = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return new PkcePair(verifier, Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>A client that behaves like a browser: cookies kept, redirects not followed.</summary>
    public static HttpClient CreateBrowser(Uri baseAddress) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Registers an application for browser flows through the admin API (public unless <paramref name="publicClient"/> is false: then it has a secret).</summary>
    public static async Task<GrantCalls.RegisteredClient> CreateClientAsync(HttpClient http, IEnumerable<string> redirectUris, IEnumerable<string> grantTypes,
        bool publicClient = true, string scope = "view book cancel", string clientName = "Test app")
    {
        var body = new Dictionary<string, object>
        {
            ["client_name"] = clientName,
            ["scope"] = scope,
            ["redirect_uris"] = redirectUris.ToArray(),
            ["grant_types"] = grantTypes.ToArray(),
            ["token_endpoint_auth_method"] = publicClient ? "none" : "client_secret_basic",
        };
        return await GrantCalls.CreateClientAsync(http, JsonSerializer.Serialize(body));
    }


    /// <summary>The authorization URL (path and query) for the given parameters; null values are left out.</summary>
    public static string Url(string clientId, string? redirectUri, string? responseType = "code", string? scope = null, string? state = null,
        string? codeChallenge = null, string? codeChallengeMethod = "S256", string path = "/oauth2/authorize")
    {
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = responseType,
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = codeChallenge is null ? null : codeChallengeMethod,
        };
        return QueryHelpers.AddQueryString(path, parameters.Where(p => p.Value is not null));
    }

    /// <summary>The hidden inputs of the page's form (HTML-decoded).</summary>
    public static Dictionary<string, string> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in HiddenInput().Matches(html))
        {
            fields[WebUtility.HtmlDecode(input.Groups["name"].Value)] = WebUtility.HtmlDecode(input.Groups["value"].Value);
        }

        return fields;
    }

    /// <summary>Posts the page's form with the given extra fields (repeated names allowed).</summary>
    public static Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string html, string action, params (string Name, string Value)[] extra)
    {
        var fields = HiddenFields(html).Where(f => f.Key != "step").Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).ToList();
        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        return browser.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// Opens the authorization URL, signs in, ticks <paramref name="tickedScopes"/> (null: all that
    /// are offered) and presses Approve (or Deny). Returns the redirect's Location.
    /// </summary>
    public static async Task<Uri> RunAsync(HttpClient browser, string authorizeUrl, string username, string password,
        IEnumerable<string>? tickedScopes = null, bool approve = true)
    {
        var action = authorizeUrl.Split('?')[0];
        using var signIn = await browser.GetAsync(authorizeUrl);
        var signInHtml = await signIn.Content.ReadAsStringAsync();
        Assert.True(signIn.StatusCode == HttpStatusCode.OK, $"{(int)signIn.StatusCode} {signIn.Headers.Location} {signInHtml}");

        using var consent = await SubmitAsync(browser, signInHtml, action, ("step", "signin"), ("username", username), ("password", password));
        var consentHtml = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.StatusCode == HttpStatusCode.OK && consentHtml.Contains("value=\"approve\"", StringComparison.Ordinal), consentHtml);

        var offered = OfferedScopes(consentHtml);
        var ticked = (tickedScopes ?? offered).Select(s => ("scope", s));
        using var result = await SubmitAsync(browser, consentHtml, action, [("step", approve ? "approve" : "deny"), .. ticked]);
        Assert.True(result.StatusCode == HttpStatusCode.SeeOther, $"{(int)result.StatusCode} {await result.Content.ReadAsStringAsync()}");
        return result.Headers.Location!;
    }

    /// <summary>Runs the whole code flow with S256 PKCE and returns the code and the verifier to redeem it with.</summary>
    public static async Task<(string Code, PkcePair Pkce)> GetCodeAsync(HttpClient browser, string clientId, string redirectUri, string username, string password, string? scope = null)
    {
        var pkce = NewPkce();
        var state = Base64UrlEncode(RandomNumberGenerator.GetBytes(12));
        var location = await RunAsync(browser, Url(clientId, redirectUri, "code", scope, state, pkce.Challenge), username, password);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(state, query["state"].ToString());
        return (query["code"].ToString(), pkce);
    }

    /// <summary>The scope names offered as checkboxes on a consent page.</summary>
    public static List<string> OfferedScopes(string consentHtml) =>
        [.. ScopeCheckbox().Matches(consentHtml).Select(m => WebUtility.HtmlDecode(m.Groups["value"].Value))];

    /// <summary>Parses the fragment (implicit grant) of a redirect.</summary>
    public static Dictionary<string, string> Fragment(Uri location) =>
        QueryHelpers.ParseQuery(location.Fragment.TrimStart('#')).ToDictionary(p => p.Key, p => p.Value.ToString());

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<input type=\"checkbox\" name=\"scope\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex ScopeCheckbox();
}
