using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// POST /oauth2/token with grant_type=refresh_token, RFC 6749 section 6: rotation, the refresh limit, scope narrowing
/// (default configuration: no reuse grace). The grace window is <see cref="RefreshTokenGraceTests"/>.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class RefreshTokenTests(GatewayFixture fixture)
{
    private const string Password = "hoverboard-2015";

    private HttpClient Http => fixture.Http;

    private async Task<(RegisteredClient Client, string Username, Tokens Tokens)> SignInAsync(int refreshLimit = 3, string scope = "view book")
    {
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(Http, username, Password);
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http, scope, refreshLimit);
        using var response = await PasswordAsync(Http, client, username, Password);
        return (client, username, await ReadTokensAsync(response));
    }

    [Fact]
    public async Task Refresh_Rotation_NewPairWorksAndOwnerIsPreserved()
    {
        var (client, username, first) = await SignInAsync();

        using var response = await RefreshAsync(Http, client, first.RefreshToken!);
        var second = await ReadTokensAsync(response);
        var (status, owner, scope) = await GetBookingsAsync(Http, second.AccessToken);
        using var again = await RefreshAsync(Http, client, second.RefreshToken!);

        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(username, owner);
        Assert.Equal("view book", scope);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, first.AccessToken)).Status); // rotation does not revoke the old access token
        Assert.NotNull((await ReadTokensAsync(again)).RefreshToken);
    }

    [Fact]
    public async Task Refresh_PublicClient_RefreshesWithClientIdAlone()
    {
        // The password grant is closed to public clients (RFC 9700 section 2.4): their tokens come from the code flow.
        const string RedirectUri = "http://127.0.0.1:9/cb";
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(Http, username, Password);
        var client = await CreateClientAsync(Http, $$"""
            {"client_name":"spa","scope":"view book","grant_types":["authorization_code","refresh_token"],"refresh_limit":3,
             "token_endpoint_auth_method":"none","redirect_uris":["{{RedirectUri}}"]}
            """);
        using var browser = AuthorizeFlow.CreateBrowser(fixture.Gateway.BaseAddress);
        var (code, pkce) = await AuthorizeFlow.GetCodeAsync(browser, client.ClientId, RedirectUri, username, Password);
        var first = await ReadTokensAsync(await TokenAsync(Http, client, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RedirectUri), ("code_verifier", pkce.Verifier)));

        using var response = await RefreshAsync(Http, client, first.RefreshToken!);
        var second = await ReadTokensAsync(response);

        Assert.Null(client.ClientSecret);
        Assert.Equal(username, (await GetBookingsAsync(Http, second.AccessToken)).Owner);
    }

    [Fact]
    public async Task Refresh_ConfidentialClientWithoutSecret_InvalidClient()
    {
        var (client, _, first) = await SignInAsync();

        using var response = await RefreshAsync(Http, client with { ClientSecret = null }, first.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await OAuthCalls.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Refresh_LimitReached_RefusedWithoutRevokingTheGrant()
    {
        var (client, _, first) = await SignInAsync(refreshLimit: 1);

        using var rotated = await RefreshAsync(Http, client, first.RefreshToken!);
        var second = await ReadTokensAsync(rotated);
        using var refused = await RefreshAsync(Http, client, second.RefreshToken!);
        using var refusedAgain = await RefreshAsync(Http, client, second.RefreshToken!);

        Assert.Contains("refresh limit reached", await AssertErrorAsync(refused, "invalid_grant"), StringComparison.Ordinal);
        // Not burned, not treated as reuse: the same answer again, and the grant's access token still works.
        Assert.Contains("refresh limit reached", await AssertErrorAsync(refusedAgain, "invalid_grant"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, second.AccessToken)).Status);
    }

    [Fact]
    public async Task Refresh_LimitOfThree_AllowsExactlyThreeRefreshes()
    {
        var (client, _, tokens) = await SignInAsync(refreshLimit: 3);

        for (var i = 0; i < 3; i++)
        {
            using var response = await RefreshAsync(Http, client, tokens.RefreshToken!);
            tokens = await ReadTokensAsync(response);
        }

        using var fourth = await RefreshAsync(Http, client, tokens.RefreshToken!);
        Assert.Contains("refresh limit reached", await AssertErrorAsync(fourth, "invalid_grant"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_NarrowerScope_IssuesNarrowAccessTokenButKeepsTheGrantScope()
    {
        var (client, _, first) = await SignInAsync(scope: "view book");

        using var narrowed = await RefreshAsync(Http, client, first.RefreshToken!, "view");
        var narrow = await ReadTokensAsync(narrowed);
        using var full = await RefreshAsync(Http, client, narrow.RefreshToken!);

        Assert.Equal("view", narrow.Scope);
        Assert.Equal("view", (await GetBookingsAsync(Http, narrow.AccessToken)).Scope);
        Assert.Equal("view book", (await ReadTokensAsync(full)).Scope); // RFC 6749 section 6: the refresh token keeps its scope
    }

    [Fact]
    public async Task Refresh_WiderScope_InvalidScopeAndTokenNotBurned()
    {
        // The client may have "book", but this grant was for "view" only: a refresh cannot widen it.
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http, "view book");
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(Http, username, Password);
        using var signIn = await PasswordAsync(Http, client, username, Password, "view");
        var viewGrant = await ReadTokensAsync(signIn);

        using var widened = await RefreshAsync(Http, client, viewGrant.RefreshToken!, "view book");
        using var stillUsable = await RefreshAsync(Http, client, viewGrant.RefreshToken!);

        await AssertErrorAsync(widened, "invalid_scope");
        Assert.Equal("view", (await ReadTokensAsync(stillUsable)).Scope);
    }

    [Fact]
    public async Task Refresh_AnotherClientsRefreshToken_InvalidGrantAndTokenNotBurned()
    {
        var (owner, _, tokens) = await SignInAsync();
        var other = await PasswordGrantTests.CreatePasswordClientAsync(Http);

        using var stolen = await RefreshAsync(Http, other, tokens.RefreshToken!);
        using var legitimate = await RefreshAsync(Http, owner, tokens.RefreshToken!);

        await AssertErrorAsync(stolen, "invalid_grant");
        await ReadTokensAsync(legitimate);
    }

    [Fact]
    public async Task Refresh_UnknownOrAccessToken_InvalidGrant()
    {
        var (client, _, tokens) = await SignInAsync();

        using var unknown = await RefreshAsync(Http, client, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var access = await RefreshAsync(Http, client, tokens.AccessToken);

        await AssertErrorAsync(unknown, "invalid_grant");
        await AssertErrorAsync(access, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_ClientNotRegisteredForRefresh_UnauthorizedClient()
    {
        var (_, _, tokens) = await SignInAsync();
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http, refreshLimit: 0);

        using var response = await RefreshAsync(Http, client, tokens.RefreshToken!);

        await AssertErrorAsync(response, "unauthorized_client");
    }
}

/// <summary>Refresh-token reuse revokes the whole grant; by default (OAuth:RefreshTokenReuseGrace unset = 0) any second use is reuse.</summary>
public sealed class RefreshTokenReuseTests : IAsyncLifetime
{
    private const string Password = "plutonium-1955";
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;
    private GatewayProcess _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TimeTravelsUpstream.StartAsync();
        _gateway = await GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'));
        _http = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task Refresh_ReuseWithDefaultGrace_RevokesEveryTokenOfTheGrant()
    {
        await CreateUserAsync(_http, "biff", Password);
        var client = await PasswordGrantTests.CreatePasswordClientAsync(_http);
        using var signIn = await PasswordAsync(_http, client, "biff", Password);
        var first = await ReadTokensAsync(signIn);
        using var rotate = await RefreshAsync(_http, client, first.RefreshToken!);
        var second = await ReadTokensAsync(rotate);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(_http, second.AccessToken)).Status);

        using var reused = await RefreshAsync(_http, client, first.RefreshToken!);

        Assert.Contains("already used", await AssertErrorAsync(reused, "invalid_grant"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(_http, second.AccessToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(_http, first.AccessToken)).Status);
        using var afterRevocation = await RefreshAsync(_http, client, second.RefreshToken!);
        await AssertErrorAsync(afterRevocation, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_ConcurrentRefreshesWithDefaultGrace_LeaveNoUsableChain()
    {
        await CreateUserAsync(_http, "lorraine", Password);
        var client = await PasswordGrantTests.CreatePasswordClientAsync(_http);
        using var signIn = await PasswordAsync(_http, client, "lorraine", Password);
        var first = await ReadTokensAsync(signIn);

        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => RefreshAsync(_http, client, first.RefreshToken!)));
        var refreshTokens = new List<string>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                refreshTokens.Add((await ReadTokensAsync(response)).RefreshToken!);
            }

            response.Dispose();
        }

        // Without grace, the second use of the token is reuse: the grant is revoked, whatever the first one got.
        Assert.True(refreshTokens.Count <= 1);
        foreach (var token in refreshTokens)
        {
            using var next = await RefreshAsync(_http, client, token);
            await AssertErrorAsync(next, "invalid_grant");
        }
    }
}
