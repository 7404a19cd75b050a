using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.AuthorizeFlow;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The authorization code grant end to end over real sockets against the real gateway process: sign-in and
/// consent forms, token exchange with PKCE, the Time travels API, refresh, and the attacks RFC 6749 and
/// RFC 7636 name (code replay, PKCE mismatch, redirect URI swap).
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class CodeFlowTests(GatewayFixture fixture)
{
    private const string RedirectUri = "http://127.0.0.1:9/cb";
    private const string Password = "outatime-1985";

    private async Task<(RegisteredClient Client, string Username)> SetUpAsync(bool publicClient, int refreshLimit = 0)
    {
        var username = "code-" + Guid.NewGuid().ToString("N")[..10];
        await CreateUserAsync(fixture.Http, username, Password);
        var grants = refreshLimit > 0 ? ["authorization_code", "refresh_token"] : new[] { "authorization_code" };
        var client = await GrantCalls.CreateClientAsync(fixture.Http, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scope"] = "view book",
            ["redirect_uris"] = new[] { RedirectUri },
            ["grant_types"] = grants,
            ["token_endpoint_auth_method"] = publicClient ? "none" : "client_secret_basic",
            ["refresh_limit"] = refreshLimit,
        }));
        return (client, username);
    }

    private Task<HttpResponseMessage> ExchangeAsync(RegisteredClient client, string code, string verifier, string redirectUri = RedirectUri) =>
        TokenAsync(fixture.Http, client, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri), ("code_verifier", verifier));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CodeFlow_ExchangeWithPkce_TokensCallTheApiAsTheUser(bool publicClient)
    {
        var (client, username) = await SetUpAsync(publicClient, refreshLimit: 1);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password, "view");

        var tokens = await ReadTokensAsync(await ExchangeAsync(client, code, pkce.Verifier));
        var refreshed = await ReadTokensAsync(await RefreshAsync(fixture.Http, client, tokens.RefreshToken!));

        Assert.Equal((HttpStatusCode.OK, username, "view"), await GetBookingsAsync(fixture.Http, tokens.AccessToken));
        Assert.Equal((HttpStatusCode.OK, username, "view"), await GetBookingsAsync(fixture.Http, refreshed.AccessToken));
    }

    [Fact]
    public async Task CodeReplay_IsRefused_AndTheTokensFromTheFirstExchangeStopWorking()
    {
        var (client, username) = await SetUpAsync(publicClient: false, refreshLimit: 2);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password, "view");
        var first = await ReadTokensAsync(await ExchangeAsync(client, code, pkce.Verifier));
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(fixture.Http, first.AccessToken)).Status);

        using var replay = await ExchangeAsync(client, code, pkce.Verifier);

        await AssertErrorAsync(replay, "invalid_grant");
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(fixture.Http, first.AccessToken)).Status);
        await AssertErrorAsync(await RefreshAsync(fixture.Http, client, first.RefreshToken!), "invalid_grant");
    }

    [Fact]
    public async Task PkceMismatch_IsInvalidGrant()
    {
        var (client, username) = await SetUpAsync(publicClient: true);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, _) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password);

        using var response = await ExchangeAsync(client, code, NewPkce().Verifier);

        await AssertErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task RedirectUriDifferentFromTheAuthorizationRequest_IsInvalidGrant()
    {
        var (client, username) = await SetUpAsync(publicClient: false);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password);

        using var response = await ExchangeAsync(client, code, pkce.Verifier, "http://127.0.0.1:9/elsewhere");

        await AssertErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task CodeReplay_ByAnotherClient_IsInvalidGrant_RevokesNothing_AndIsLoggedWithThePresentingClient()
    {
        var (client, username) = await SetUpAsync(publicClient: false, refreshLimit: 1);
        var (other, _) = await SetUpAsync(publicClient: false);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password, "view");
        var tokens = await ReadTokensAsync(await ExchangeAsync(client, code, pkce.Verifier));

        using var stolen = await ExchangeAsync(other, code, pkce.Verifier);

        Assert.Contains("another client", await AssertErrorAsync(stolen, "invalid_grant"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(fixture.Http, tokens.AccessToken)).Status);
        await ReadTokensAsync(await RefreshAsync(fixture.Http, client, tokens.RefreshToken!));
        await WaitForLogAsync($"presented by client {other.ClientId}");
    }

    [Fact]
    public async Task CodeReplay_PublicClientWithoutTheVerifier_IsInvalidGrant_RevokesNothing()
    {
        var (client, username) = await SetUpAsync(publicClient: true);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password, "view");
        var tokens = await ReadTokensAsync(await ExchangeAsync(client, code, pkce.Verifier));

        using var unproven = await ExchangeAsync(client, code, NewPkce().Verifier);

        await AssertErrorAsync(unproven, "invalid_grant");
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(fixture.Http, tokens.AccessToken)).Status);
        using var proven = await ExchangeAsync(client, code, pkce.Verifier);
        await AssertErrorAsync(proven, "invalid_grant");
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(fixture.Http, tokens.AccessToken)).Status);
    }

    [Fact]
    public async Task RedirectUriOmittedAtAuthorize_TokenRequestWithOrWithoutIt_Succeeds()
    {
        var (client, username) = await SetUpAsync(publicClient: false);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var without = await CodeWithoutRedirectUriAsync(browser, client, username);
        var with = await CodeWithoutRedirectUriAsync(browser, client, username);

        using var omitted = await TokenAsync(fixture.Http, client, ("grant_type", "authorization_code"), ("code", without.Code), ("code_verifier", without.Verifier));
        using var sent = await ExchangeAsync(client, with.Code, with.Verifier);

        await ReadTokensAsync(omitted);
        await ReadTokensAsync(sent);
    }

    [Fact]
    public async Task RedirectUriSentAtAuthorize_TokenRequestWithoutIt_IsInvalidGrant()
    {
        var (client, username) = await SetUpAsync(publicClient: false);
        using var browser = CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password);

        using var response = await TokenAsync(fixture.Http, client, ("grant_type", "authorization_code"), ("code", code), ("code_verifier", pkce.Verifier));

        Assert.Contains("redirect_uri", await AssertErrorAsync(response, "invalid_grant"), StringComparison.Ordinal);
    }

    private static async Task<(string Code, string Verifier)> CodeWithoutRedirectUriAsync(HttpClient browser, RegisteredClient client, string username)
    {
        var pkce = NewPkce();
        var location = await RunAsync(browser, Url(client.ClientId, redirectUri: null, state: "o", codeChallenge: pkce.Challenge), username, Password);
        Assert.StartsWith(RedirectUri + "?", location.ToString(), StringComparison.Ordinal);
        return (Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query)["code"].ToString(), pkce.Verifier);
    }

    private async Task WaitForLogAsync(string text)
    {
        for (var i = 0; i < 100 && !fixture.Gateway.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(text, fixture.Gateway.Output, StringComparison.Ordinal);
    }
}
