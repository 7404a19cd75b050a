using System.Net;
using FastGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static FastGateway.Tests.Infrastructure.AuthorizeFlow;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// GET/POST /oauth2/authorize over real sockets, driven as a browser without JavaScript would:
/// error page vs. redirect, sign-in, CSRF, consent with a subset of scopes, code and implicit results.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class AuthorizeEndpointTests(GatewayFixture fixture) : IAsyncLifetime
{
    private const string Password = "outatime-1985";
    private const string Callback = "http://127.0.0.1:9/callback";
    private static readonly string[] CodeGrant = ["authorization_code"];
    private static readonly string[] ImplicitGrant = ["implicit"];

    private readonly string _username = "user-" + Guid.NewGuid().ToString("N")[..12];
    private readonly HttpClient _browser = CreateBrowser(fixture.Gateway.BaseAddress);

    private HttpClient Http => fixture.Http;

    public Task InitializeAsync() => CreateUserAsync(Http, _username, Password);

    public Task DisposeAsync()
    {
        _browser.Dispose();
        return Task.CompletedTask;
    }

    private Task<RegisteredClient> PublicClientAsync(string[]? grants = null, string[]? redirects = null, string clientName = "Test app") =>
        CreateClientAsync(Http, redirects ?? [Callback], grants ?? CodeGrant, clientName: clientName);

    private static async Task AssertErrorPageAsync(HttpResponseMessage response, string expectedText)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expectedText, html, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> RedirectQuery(HttpResponseMessage response, string expectedBase = Callback)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(expectedBase, location.ToString(), StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    [Fact]
    public async Task Authorize_RedirectUriMismatch_ShowsErrorPageWithoutRedirect()
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, "http://127.0.0.1:9/callback/evil", state: "s1", codeChallenge: NewPkce().Challenge));

        await AssertErrorPageAsync(response, "redirect_uri does not match");
    }

    [Fact]
    public async Task Authorize_UnknownClient_ShowsErrorPage()
    {
        using var response = await _browser.GetAsync(Url("no-such-client", Callback, state: "s1", codeChallenge: NewPkce().Challenge));

        await AssertErrorPageAsync(response, "unknown client_id");
    }

    [Fact]
    public async Task Authorize_RedirectUriOmittedWithOneRegistered_ShowsSignIn()
    {
        var client = await PublicClientAsync();

        var location = await RunAsync(_browser, Url(client.ClientId, redirectUri: null, state: "s2", codeChallenge: NewPkce().Challenge), _username, Password);

        Assert.StartsWith(Callback + "?code=", location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_RedirectUriOmittedWithSeveralRegistered_ShowsErrorPage()
    {
        var client = await PublicClientAsync(redirects: [Callback, "http://127.0.0.1:9/other"]);

        using var response = await _browser.GetAsync(Url(client.ClientId, redirectUri: null, codeChallenge: NewPkce().Challenge));

        await AssertErrorPageAsync(response, "redirect_uri is required");
    }

    [Fact]
    public async Task Authorize_PublicClientWithoutPkce_RedirectsInvalidRequestWithState()
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, state: "xyz 1", codeChallenge: null));

        var query = RedirectQuery(response);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Contains("PKCE required", query["error_description"], StringComparison.Ordinal);
        Assert.Equal("xyz 1", query["state"]);
    }

    [Fact]
    public async Task Authorize_PlainPkceNotAllowed_RedirectsInvalidRequest()
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, state: "p", codeChallenge: new string('a', 43), codeChallengeMethod: "plain"));

        var query = RedirectQuery(response);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Equal("p", query["state"]);
    }

    [Fact]
    public async Task Authorize_TokenForClientWithoutImplicit_RedirectsUnauthorizedClientInFragment()
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, responseType: "token", state: "t1"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var fragment = Fragment(response.Headers.Location!);
        Assert.Equal("unauthorized_client", fragment["error"]);
        Assert.Equal("t1", fragment["state"]);
    }

    [Theory]
    [InlineData("id_token")]
    [InlineData("code token")]
    public async Task Authorize_UnsupportedResponseType_RedirectsUnsupportedResponseType(string responseType)
    {
        var client = await PublicClientAsync();

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, responseType: responseType, state: "r", codeChallenge: NewPkce().Challenge));

        var query = RedirectQuery(response);
        Assert.Equal("unsupported_response_type", query["error"]);
        Assert.Equal("r", query["state"]);
    }

    [Theory]
    [InlineData("view teleport")]
    [InlineData("cancel")]
    public async Task Authorize_UnknownOrNotAllowedScope_RedirectsInvalidScope(string scope)
    {
        var client = await CreateClientAsync(Http, [Callback], CodeGrant, scope: "view book");

        using var response = await _browser.GetAsync(Url(client.ClientId, Callback, scope: scope, state: "sc", codeChallenge: NewPkce().Challenge));

        var query = RedirectQuery(response);
        Assert.Equal("invalid_scope", query["error"]);
        Assert.Equal("sc", query["state"]);
    }

    [Fact]
    public async Task SignIn_WrongPasswordOrUnknownUser_ShowsFormAgainWithGenericMessage()
    {
        var client = await PublicClientAsync();
        using var page = await _browser.GetAsync(Url(client.ClientId, Callback, state: "w", codeChallenge: NewPkce().Challenge));
        var html = await page.Content.ReadAsStringAsync();

        using var wrong = await SubmitAsync(_browser, html, "/oauth2/authorize", ("step", "signin"), ("username", _username), ("password", "wrong-password-42"));
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        using var unknown = await SubmitAsync(_browser, html, "/oauth2/authorize", ("step", "signin"), ("username", "nobody-" + _username), ("password", "wrong-password-42"));
        var unknownHtml = await unknown.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Null(wrong.Headers.Location);
        Assert.Contains("The username or password is incorrect.", wrongHtml, StringComparison.Ordinal);
        Assert.Contains("The username or password is incorrect.", unknownHtml, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", wrongHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-42", wrongHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-42", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("CfDJ8-not-a-real-token")]
    public async Task Post_CsrfTokenMissingOrWrong_Returns400(string? csrfToken)
    {
        var client = await PublicClientAsync();
        using var page = await _browser.GetAsync(Url(client.ClientId, Callback, state: "c", codeChallenge: NewPkce().Challenge));
        var fields = HiddenFields(await page.Content.ReadAsStringAsync());
        fields.Remove("csrf_token");
        if (csrfToken is not null)
        {
            fields["csrf_token"] = csrfToken;
        }

        fields["username"] = _username;
        fields["password"] = Password;
        using var response = await _browser.PostAsync("/oauth2/authorize", new FormUrlEncodedContent(fields));

        await AssertErrorPageAsync(response, "security token");
    }

    [Fact]
    public async Task Post_TamperedRequest_ShowsErrorPage()
    {
        var client = await PublicClientAsync();
        using var page = await _browser.GetAsync(Url(client.ClientId, Callback, state: "c", codeChallenge: NewPkce().Challenge));
        var fields = HiddenFields(await page.Content.ReadAsStringAsync());
        fields["request"] = fields["request"][..^4] + "AAAA";
        fields["username"] = _username;
        fields["password"] = Password;

        using var response = await _browser.PostAsync("/oauth2/authorize", new FormUrlEncodedContent(fields));

        await AssertErrorPageAsync(response, "expired or was tampered with");
    }

    [Fact]
    public async Task Consent_Deny_RedirectsAccessDeniedWithState()
    {
        var client = await PublicClientAsync();

        var location = await RunAsync(_browser, Url(client.ClientId, Callback, state: "d-1", codeChallenge: NewPkce().Challenge), _username, Password, approve: false);

        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal("d-1", query["state"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task Consent_NothingTicked_RedirectsAccessDenied()
    {
        var client = await PublicClientAsync();

        var location = await RunAsync(_browser, Url(client.ClientId, Callback, state: "n", codeChallenge: NewPkce().Challenge), _username, Password, tickedScopes: []);

        Assert.Equal("access_denied", QueryHelpers.ParseQuery(location.Query)["error"].ToString());
    }

    [Fact]
    public async Task CodeFlow_S256AndTickedSubset_RedirectsWithCodeAndStateAppendedToRegisteredQuery()
    {
        const string callbackWithQuery = "http://127.0.0.1:9/callback?tenant=42";
        var client = await PublicClientAsync(redirects: [callbackWithQuery]);
        var pkce = NewPkce();

        // Page 2 offers exactly the requested scopes; tick only "view".
        using var page = await _browser.GetAsync(Url(client.ClientId, callbackWithQuery, scope: "view book", state: "st@te", codeChallenge: pkce.Challenge));
        using var consent = await SubmitAsync(_browser, await page.Content.ReadAsStringAsync(), "/oauth2/authorize", ("step", "signin"), ("username", _username), ("password", Password));
        var consentHtml = await consent.Content.ReadAsStringAsync();
        Assert.Equal(["view", "book"], OfferedScopes(consentHtml));
        Assert.Contains("See your bookings", consentHtml, StringComparison.Ordinal);
        using var approved = await SubmitAsync(_browser, consentHtml, "/oauth2/authorize", ("step", "approve"), ("scope", "view"));

        var query = RedirectQuery(approved, "http://127.0.0.1:9/callback?tenant=42&");
        Assert.Equal("42", query["tenant"]);
        Assert.Equal("st@te", query["state"]);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", query["code"]);
        Assert.Equal("no-store", approved.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task CodeFlow_WebMethodsAlias_Works()
    {
        var client = await PublicClientAsync();

        var location = await RunAsync(_browser, Url(client.ClientId, Callback, state: "a", codeChallenge: NewPkce().Challenge, path: "/invoke/pub.apigateway.oauth2/authorize"), _username, Password);

        Assert.False(string.IsNullOrEmpty(QueryHelpers.ParseQuery(location.Query)["code"]));
    }

    [Fact]
    public async Task GetCodeAsync_Helper_ReturnsCodeAndVerifier()
    {
        var client = await PublicClientAsync();

        var (code, pkce) = await GetCodeAsync(_browser, client.ClientId, Callback, _username, Password, "view");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", code);
        Assert.Equal(43, pkce.Verifier.Length);
    }

    [Fact]
    public async Task ImplicitFlow_TokenInFragment_WorksWithExactlyTheGrantedScopes()
    {
        var client = await PublicClientAsync(grants: ImplicitGrant);

        var location = await RunAsync(_browser, Url(client.ClientId, Callback, responseType: "token", scope: "view book", state: "imp"), _username, Password, tickedScopes: ["view"]);

        Assert.Empty(location.Query);
        var fragment = Fragment(location);
        Assert.Equal("Bearer", fragment["token_type"]);
        Assert.Equal("view", fragment["scope"]);
        Assert.Equal("imp", fragment["state"]);
        Assert.True(int.Parse(fragment["expires_in"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.False(fragment.ContainsKey("refresh_token"));
        var token = fragment["access_token"];
        using var view = await Http.SendAsync(OAuthCalls.Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        var identity = (await OAuthCalls.ReadJsonAsync(view)).GetProperty("received_identity");
        Assert.Equal(_username, identity.GetProperty("owner").GetString());
        using var book = await OAuthCalls.PostJsonAsync(Http, "/timetravels/bookings", token, new { passenger = "Marty McFly", destination = "1955-11-05" });
        Assert.Equal(HttpStatusCode.Forbidden, book.StatusCode);
    }

    [Fact]
    public async Task Pages_SendCspFrameAndCacheHeaders()
    {
        var client = await PublicClientAsync();

        using var signIn = await _browser.GetAsync(Url(client.ClientId, Callback, codeChallenge: NewPkce().Challenge));
        using var error = await _browser.GetAsync(Url("no-such-client", Callback));

        foreach (var response in (HttpResponseMessage[])[signIn, error])
        {
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("base-uri 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }

        Assert.Contains("form-action 'self' http://127.0.0.1:9;", string.Join(";", signIn.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_HtmlEncodeClientName()
    {
        var client = await PublicClientAsync(clientName: "<script>alert(1)</script>");

        using var signIn = await _browser.GetAsync(Url(client.ClientId, Callback, codeChallenge: NewPkce().Challenge));
        var html = await signIn.Content.ReadAsStringAsync();

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }
}
