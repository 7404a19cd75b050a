using System.Net;
using FastGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static FastGateway.Tests.Infrastructure.AuthorizeFlow;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The authorization endpoint against the attacks and mistakes RFC 6749, RFC 8252, RFC 9207 and RFC 9700 name, over
/// real sockets against the real gateway process: <c>iss</c> on every authorization response, single-use steps bound to
/// the browser, loopback redirect URIs on any port, repeated and missing parameters, over-long state, and
/// error_description that never repeats the client's input.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class AuthorizeResponseSecurityTests(GatewayFixture fixture) : IAsyncLifetime
{
    private const string Password = "outatime-1985";
    private const string Callback = "http://127.0.0.1:9/callback";
    private const string Action = "/oauth2/authorize";
    private const string BindingCookie = "fastgateway.authorize";

    private readonly string _username = "sec-" + Guid.NewGuid().ToString("N")[..12];
    private readonly CookieContainer _cookies = new();
    private HttpClient _browser = null!;

    private HttpClient Http => fixture.Http;

    public Task InitializeAsync()
    {
        _browser = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = fixture.Gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        return CreateUserAsync(Http, _username, Password);
    }

    public Task DisposeAsync()
    {
        _browser.Dispose();
        return Task.CompletedTask;
    }

    private Task<RegisteredClient> PublicClientAsync(string[]? redirects = null, string[]? grants = null) =>
        CreateClientAsync(Http, redirects ?? [Callback], grants ?? ["authorization_code"]);

    private async Task<string> IssuerAsync()
    {
        using var response = await Http.GetAsync("/.well-known/oauth-authorization-server");
        return (await OAuthCalls.ReadJsonAsync(response)).GetProperty("issuer").GetString()!;
    }

    private static Dictionary<string, string> Query(Uri location) =>
        QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    private static Dictionary<string, string> RedirectQuery(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{(int)response.StatusCode}");
        return Query(response.Headers.Location!);
    }

    private static async Task AssertErrorPageAsync(HttpResponseMessage response, string expectedText)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains(expectedText, html, StringComparison.Ordinal);
    }

    private static void AssertRfc6749Characters(string description) =>
        Assert.All(description, c => Assert.True(c is (>= '\x20' and <= '\x21') or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E'), $"U+{(int)c:X4} in '{description}'"));

    /// <summary>GET the authorization URL, sign in; returns the consent page's HTML.</summary>
    private async Task<string> SignInAsync(string authorizeUrl)
    {
        using var page = await _browser.GetAsync(authorizeUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        using var consent = await SubmitAsync(_browser, html, Action, ("step", "signin"), ("username", _username), ("password", Password));
        var consentHtml = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.StatusCode == HttpStatusCode.OK, consentHtml);
        return consentHtml;
    }

    [Fact]
    public async Task Iss_OnCodeSuccessDenyAndErrorRedirects_IsTheMetadataIssuer()
    {
        var issuer = await IssuerAsync();
        var client = await PublicClientAsync();

        var success = await RunAsync(_browser, Url(client.ClientId, Callback, state: "ok", codeChallenge: NewPkce().Challenge), _username, Password);
        var denied = await RunAsync(_browser, Url(client.ClientId, Callback, state: "no", codeChallenge: NewPkce().Challenge), _username, Password, approve: false);
        using var invalidScope = await _browser.GetAsync(Url(client.ClientId, Callback, scope: "teleport", state: "sc", codeChallenge: NewPkce().Challenge));

        Assert.Equal(issuer, Query(success)["iss"]);
        Assert.True(Query(success).ContainsKey("code"));
        Assert.Equal(issuer, Query(denied)["iss"]);
        Assert.Equal("access_denied", Query(denied)["error"]);
        var error = RedirectQuery(invalidScope);
        Assert.Equal(("invalid_scope", "sc", issuer), (error["error"], error["state"], error["iss"]));
    }

    [Fact]
    public async Task Iss_OnImplicitSuccessAndErrorFragments_IsTheMetadataIssuer()
    {
        var issuer = await IssuerAsync();
        var client = await PublicClientAsync(grants: ["implicit"]);

        var success = await RunAsync(_browser, Url(client.ClientId, Callback, responseType: "token", state: "imp"), _username, Password);
        using var refused = await _browser.GetAsync(Url(client.ClientId, Callback, responseType: "token", scope: "teleport", state: "imp2"));

        Assert.Equal(issuer, Fragment(success)["iss"]);
        Assert.True(Fragment(success).ContainsKey("access_token"));
        Assert.Equal(HttpStatusCode.SeeOther, refused.StatusCode);
        var fragment = Fragment(refused.Headers.Location!);
        Assert.Equal(("invalid_scope", issuer), (fragment["error"], fragment["iss"]));
    }

    [Fact]
    public async Task Metadata_AdvertisesAuthorizationResponseIssParameter()
    {
        using var response = await Http.GetAsync("/.well-known/oauth-authorization-server");

        Assert.True((await OAuthCalls.ReadJsonAsync(response)).GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    [Fact]
    public async Task Approve_PostedTwice_SecondGetsErrorPageNotASecondCode()
    {
        var client = await PublicClientAsync();
        var consentHtml = await SignInAsync(Url(client.ClientId, Callback, state: "twice", codeChallenge: NewPkce().Challenge));

        using var first = await SubmitAsync(_browser, consentHtml, Action, ("step", "approve"), ("scope", "view"));
        using var second = await SubmitAsync(_browser, consentHtml, Action, ("step", "approve"), ("scope", "view"));
        using var deny = await SubmitAsync(_browser, consentHtml, Action, ("step", "deny"));

        Assert.True(RedirectQuery(first).ContainsKey("code"));
        await AssertErrorPageAsync(second, "already used");
        await AssertErrorPageAsync(deny, "already used");
    }

    [Fact]
    public async Task SignIn_SuccessfulFormPostedTwice_SecondGetsErrorPage_FailedAttemptsDoNotUseItUp()
    {
        var client = await PublicClientAsync();
        using var page = await _browser.GetAsync(Url(client.ClientId, Callback, state: "s", codeChallenge: NewPkce().Challenge));
        var html = await page.Content.ReadAsStringAsync();

        using var wrong = await SubmitAsync(_browser, html, Action, ("step", "signin"), ("username", _username), ("password", "wrong-password-1"));
        using var first = await SubmitAsync(_browser, html, Action, ("step", "signin"), ("username", _username), ("password", Password));
        using var second = await SubmitAsync(_browser, html, Action, ("step", "signin"), ("username", _username), ("password", Password));

        Assert.Contains("The username or password is incorrect.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("value=\"approve\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertErrorPageAsync(second, "already used");
    }

    [Fact]
    public async Task Steps_PostedFromAnotherBrowser_GetErrorPage()
    {
        var client = await PublicClientAsync();
        using var page = await _browser.GetAsync(Url(client.ClientId, Callback, state: "b", codeChallenge: NewPkce().Challenge));
        var html = await page.Content.ReadAsStringAsync();
        var setCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(BindingCookie + "=", StringComparison.Ordinal));

        // Another browser: the same antiforgery pair (so that check passes), but its own binding cookie.
        _cookies.Add(fixture.Gateway.BaseAddress, new Cookie(BindingCookie, new string('A', 43), "/"));
        using var signIn = await SubmitAsync(_browser, html, Action, ("step", "signin"), ("username", _username), ("password", Password));

        Assert.Contains("httponly", setCookie.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Contains("samesite=lax", setCookie.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Contains("path=/", setCookie.ToLowerInvariant(), StringComparison.Ordinal);
        await AssertErrorPageAsync(signIn, "another browser");
    }

    [Fact]
    public async Task LoopbackRedirectUri_AnyPort_CodeFlowAndExchangeWork_LocalhostStaysExact()
    {
        var client = await PublicClientAsync(redirects: ["http://127.0.0.1/native-cb", "http://[::1]:8400/native-cb", "http://localhost:8400/native-cb"]);
        const string redirectUri = "http://127.0.0.1:53682/native-cb";
        var pkce = NewPkce();

        var location = await RunAsync(_browser, Url(client.ClientId, redirectUri, state: "n", codeChallenge: pkce.Challenge), _username, Password);
        var tokens = await ReadTokensAsync(await TokenAsync(Http, client,
            ("grant_type", "authorization_code"), ("code", Query(location)["code"]), ("redirect_uri", redirectUri), ("code_verifier", pkce.Verifier)));
        using var ipv6 = await _browser.GetAsync(Url(client.ClientId, "http://[::1]:1234/native-cb", codeChallenge: NewPkce().Challenge));
        using var localhost = await _browser.GetAsync(Url(client.ClientId, "http://localhost:1234/native-cb", codeChallenge: NewPkce().Challenge));
        using var otherPath = await _browser.GetAsync(Url(client.ClientId, "http://127.0.0.1:53682/native-cb/x", codeChallenge: NewPkce().Challenge));

        Assert.StartsWith(redirectUri + "?", location.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, tokens.AccessToken)).Status);
        Assert.Equal(HttpStatusCode.OK, ipv6.StatusCode);
        await AssertErrorPageAsync(localhost, "redirect_uri does not match");
        await AssertErrorPageAsync(otherPath, "redirect_uri does not match");
    }

    [Theory]
    [InlineData("&scope=view&scope=book")]
    [InlineData("&state=a&state=b")]
    [InlineData("&response_type=code")]
    public async Task Authorize_RepeatedParameter_RedirectsInvalidRequest(string extra)
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, codeChallenge: NewPkce().Challenge) + extra);

        var query = RedirectQuery(response);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Contains("more than once", query["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_MissingResponseType_RedirectsInvalidRequest()
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, responseType: null, state: "m", codeChallenge: NewPkce().Challenge));

        var query = RedirectQuery(response);
        Assert.Equal(("invalid_request", "m"), (query["error"], query["state"]));
    }

    [Fact]
    public async Task Authorize_OverLongState_RefusedAtTheGetBeforeSignIn()
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, state: new string('x', 1025), codeChallenge: NewPkce().Challenge));

        var query = RedirectQuery(response);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Contains("state", query["error_description"], StringComparison.Ordinal);
        Assert.False(query.ContainsKey("state"));
    }

    [Fact]
    public async Task Authorize_LongestStateOfNonAsciiCharacters_SurvivesSignInAndConsent()
    {
        var client = await PublicClientAsync();
        var state = new string('\u00e9', 1024);

        var location = await RunAsync(_browser, Url(client.ClientId, Callback, state: state, codeChallenge: NewPkce().Challenge), _username, Password);

        Assert.Equal(state, Query(location)["state"]);
    }

    [Fact]
    public async Task ErrorDescription_AtTheAuthorizationEndpoint_NeverEchoesInputAndStaysInTheCharacterSet()
    {
        var client = await PublicClientAsync();

        using var method = await _browser.GetAsync(Url(client.ClientId, Callback, codeChallenge: NewPkce().Challenge, codeChallengeMethod: "S512\"\\\u00e9<b>"));
        using var scope = await _browser.GetAsync(Url(client.ClientId, Callback, scope: "view tele\"port", codeChallenge: NewPkce().Challenge));

        foreach (var response in (HttpResponseMessage[])[method, scope])
        {
            var description = RedirectQuery(response)["error_description"];
            AssertRfc6749Characters(description);
            Assert.DoesNotContain("S512", description, StringComparison.Ordinal);
            Assert.DoesNotContain("tele", description, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("client_credentials")]
    [InlineData("password")]
    public async Task TokenEndpoint_RepeatedScope_IsInvalidRequest(string grantType)
    {
        var client = await OAuthCalls.CreateClientAsync(Http, "view book");

        using var response = await OAuthCalls.PostFormAsync(Http, "/oauth2/token", client,
            [new("grant_type", grantType), new("username", _username), new("password", Password), new("scope", "view"), new("scope", "book")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await OAuthCalls.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("grant_type", "tele\"port\\\u00e9")]
    [InlineData("scope", "view tele\"port")]
    public async Task ErrorDescription_AtTheTokenEndpoint_NeverEchoesInputAndStaysInTheCharacterSet(string name, string value)
    {
        var client = await OAuthCalls.CreateClientAsync(Http, "view");
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", [name] = value };

        using var response = await OAuthCalls.PostFormAsync(Http, "/oauth2/token", client, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var description = (await OAuthCalls.ReadJsonAsync(response)).GetProperty("error_description").GetString()!;
        AssertRfc6749Characters(description);
        Assert.DoesNotContain("tele", description, StringComparison.Ordinal);
    }
}
