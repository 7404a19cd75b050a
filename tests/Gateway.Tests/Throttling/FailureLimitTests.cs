using System.Net;
using System.Net.Http.Headers;
using FastGateway.Tests.EndToEnd;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.Throttling;

/// <summary>Small failure limits: 6 per address, 3 per username, 4 per client, 3 admin-key failures per address; no lockout.</summary>
public sealed class FailureLimitGateway : ThrottledGateway
{
    protected override string[] Arguments =>
    [
        "--Throttling:Address:PermitLimit=6",
        "--Throttling:Username:PermitLimit=3",
        "--Throttling:Client:PermitLimit=4",
        "--Throttling:AdminAddress:PermitLimit=3",
        "--Throttling:Lockout:FailureFactor=0",
    ];
}

/// <summary>
/// Guessing is limited (RFC 6749 sections 4.3.2 and 10.10): after the failures allowed, the password grant, the sign-in
/// page, client authentication and the admin key answer 429 with Retry-After and JSON, even to the right credentials,
/// while other users, clients and addresses are served as before. Each test talks from its own loopback address.
/// </summary>
public sealed class FailureLimitTests(FailureLimitGateway fixture) : IClassFixture<FailureLimitGateway>
{
    private const string Password = "flux-capacitor-88";

    private HttpClient From(string source, bool browser = false) => SourceAddress.Client(fixture.Gateway.BaseAddress, source, browser);

    private async Task<string> NewUserAsync()
    {
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(fixture.Admin, username, Password);
        return username;
    }

    [Fact]
    public async Task PasswordGrant_UsernameOutOfFailures_429EvenForTheRightPassword_OtherUsersAndClientsServed()
    {
        using var http = From("127.0.0.11");
        var (victim, bystander) = (await NewUserAsync(), await NewUserAsync());
        var client = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin);
        var otherClient = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin);
        for (var i = 0; i < 3; i++)
        {
            await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-number-" + i), "invalid_grant");
        }

        using var refused = await PasswordAsync(http, client, victim, Password);
        using var sameClient = await PasswordAsync(http, client, bystander, Password);
        using var otherClientToo = await PasswordAsync(http, otherClient, bystander, Password);

        await ThrottledGateway.AssertThrottledAsync(refused, (HttpStatusCode)429, "too_many_requests");
        await ReadTokensAsync(sameClient);
        await ReadTokensAsync(otherClientToo);
        var log = await fixture.WaitForLogAsync($"user.authenticate client={client.ClientId} owner={victim}");
        Assert.Contains($"audit 127.0.0.11 user.authenticate client={client.ClientId} owner={victim} token=-: failed: wrong username or password (password grant)", log, StringComparison.Ordinal);
        Assert.DoesNotContain("guess-number-", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInPage_RepostedGuesses_429Json_AnotherUserSignsInOnTheSamePage()
    {
        using var browser = From("127.0.0.12", browser: true);
        var (victim, bystander) = (await NewUserAsync(), await NewUserAsync());
        const string RedirectUri = "http://127.0.0.1:9/cb";
        var client = await AuthorizeFlow.CreateClientAsync(fixture.Admin, [RedirectUri], ["authorization_code"]);
        using var page = await browser.GetAsync(AuthorizeFlow.Url(client.ClientId, RedirectUri, "code", "view", "s1", AuthorizeFlow.NewPkce().Challenge));
        var html = await page.Content.ReadAsStringAsync();
        for (var i = 0; i < 3; i++)
        {
            // The same form posted again and again: the page itself never stopped this.
            using var wrong = await AuthorizeFlow.SubmitAsync(browser, html, "/oauth2/authorize", ("step", "signin"), ("username", victim), ("password", "guess-number-" + i));
            Assert.Contains("incorrect", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var refused = await AuthorizeFlow.SubmitAsync(browser, html, "/oauth2/authorize", ("step", "signin"), ("username", victim), ("password", Password));
        using var other = await AuthorizeFlow.SubmitAsync(browser, html, "/oauth2/authorize", ("step", "signin"), ("username", bystander), ("password", Password));

        await ThrottledGateway.AssertThrottledAsync(refused, (HttpStatusCode)429, "too_many_requests");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("value=\"approve\"", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("(sign-in page)", await fixture.WaitForLogAsync("(sign-in page)"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientSecret_FailuresAtTokenIntrospectionAndRevocation_429ForThatClientOnly()
    {
        using var http = From("127.0.0.13");
        var target = await OAuthCalls.CreateClientAsync(fixture.Admin, "view");
        var other = await OAuthCalls.CreateClientAsync(fixture.Admin, "view");
        var guess = target with { ClientSecret = "guessed-secret-0123456789" };
        using (var wrong = await OAuthCalls.RequestTokenAsync(http, guess)) { Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode); }
        using (var wrong = await OAuthCalls.RequestTokenAsync(http, guess)) { Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode); }
        using (var wrong = await OAuthCalls.IntrospectAsync(http, guess, "some-token")) { Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode); }
        using (var wrong = await OAuthCalls.RevokeAsync(http, guess, "some-token")) { Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode); }

        using var token = await OAuthCalls.RequestTokenAsync(http, target);
        using var introspect = await OAuthCalls.IntrospectAsync(http, target, "some-token");
        using var otherToken = await OAuthCalls.RequestTokenAsync(http, other);

        await ThrottledGateway.AssertThrottledAsync(token, (HttpStatusCode)429, "too_many_requests");
        await ThrottledGateway.AssertThrottledAsync(introspect, (HttpStatusCode)429, "too_many_requests");
        Assert.Equal(HttpStatusCode.OK, otherToken.StatusCode);
        var log = await fixture.WaitForLogAsync($"client.authenticate client={target.ClientId}");
        Assert.Contains($"audit 127.0.0.13 client.authenticate client={target.ClientId} owner=- token=-: failed: wrong secret or unknown client_id", log, StringComparison.Ordinal);
        Assert.DoesNotContain("guessed-secret-0123456789", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteAddress_OutOfFailures_429ForEveryone_ThereButNotElsewhere()
    {
        using var attacker = From("127.0.0.14");
        using var neighbour = From("127.0.0.15");
        var user = await NewUserAsync();
        var client = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin);
        for (var i = 0; i < 6; i++)
        {
            // Spraying: a new client_id each time, so only the address limit adds up.
            var unknown = new OAuthCalls.ClientCredentials("nobody-" + Guid.NewGuid().ToString("n")[..8], "guessed-secret");
            using var wrong = await OAuthCalls.RequestTokenAsync(attacker, unknown);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await PasswordAsync(attacker, client, user, Password);
        using var served = await PasswordAsync(neighbour, client, user, Password);

        await ThrottledGateway.AssertThrottledAsync(refused, (HttpStatusCode)429, "too_many_requests");
        await ReadTokensAsync(served);
    }

    [Fact]
    public async Task AdminKey_AddressOutOfFailures_429EvenForTheRightKey_OtherAddressServed_FailuresAudited()
    {
        using var attacker = From("127.0.0.16");
        using var operatorHost = From("127.0.0.17");
        for (var i = 0; i < 3; i++)
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/clients");
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guessed-admin-key-" + i);
            using var response = await attacker.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var refused = await attacker.SendAsync(AdminGet());
        using var served = await operatorHost.SendAsync(AdminGet());

        await ThrottledGateway.AssertThrottledAsync(refused, (HttpStatusCode)429, "too_many_requests");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var log = await fixture.WaitForLogAsync("audit 127.0.0.16 admin.authenticate");
        Assert.Contains("audit 127.0.0.16 admin.authenticate client=- owner=- token=-: failed: wrong key", log, StringComparison.Ordinal);
        Assert.DoesNotContain("guessed-admin-key-", log, StringComparison.Ordinal);

        static HttpRequestMessage AdminGet()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/clients");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
            return request;
        }
    }
}
