using FastGateway.Contracts.Admin;
using System.Net;
using FastGateway.Admin;
using FastGateway.Validation;
using FastGateway.Clients;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.Tests.Infrastructure;
using FastGateway.TokenStore;
using Microsoft.Extensions.DependencyInjection;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.OAuth.Grants;

/// <summary>
/// grant_type=authorization_code (RFC 6749 section 4.1.3, RFC 7636 section 4.5) over a real socket: the real
/// gateway host runs in-process on a real FASTER store in a temp folder, codes are issued with
/// <see cref="AuthorizationCodes.IssueAsync"/> (what /oauth2/authorize does), redeemed at /oauth2/token
/// with a real HTTP client, and tokens are checked with the real <see cref="AccessValidator"/>.
/// </summary>
public sealed class AuthorizationCodeGrantTests : IAsyncLifetime
{
    // RFC 7636 Appendix B.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private const string RedirectUri = "https://app.example/callback";

    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private RegisteredClient Register(bool confidential = true, int refreshLimit = 2)
    {
        var secret = confidential ? ClientSecrets.Generate() : null;
        var metadata = new ClientMetadataRequest(
            "c" + Guid.NewGuid().ToString("n")[..12], "code client", "view book", ["authorization_code", "refresh_token"], [RedirectUri],
            confidential ? "client_secret_basic" : "none", null, refreshLimit);
        Assert.Null(ClientAdminEndpoints.Validate(metadata));
        // Registered an hour ago, so back-dated test codes (Redeem_ExpiredCode_InvalidGrant) are not older than their client.
        var client = ClientAdminEndpoints.ToClient(metadata, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);
        Assert.True(_gateway.App.Services.GetRequiredService<DurableRegistry<OAuthClient>>().TryAdd(client));
        return new RegisteredClient(client.ClientId, secret);
    }

    private Task<string> IssueCodeAsync(RegisteredClient client, string? challenge = Challenge, string? redirectUri = RedirectUri, string scope = "view")
    {
        _gateway.App.Services.GetRequiredService<DurableRegistry<OAuthClient>>().TryGet(client.ClientId, out var registered);
        Assert.True(Pkce.TryParseChallenge(challenge, challenge is null ? null : Pkce.S256, allowPlain: false, out var method, out var stored, out var problem), problem);
        Assert.True(ScopeCatalog.TryParse(scope, out var mask, out _));
        return _gateway.App.Services.GetRequiredService<AuthorizationCodes>().IssueAsync(registered!, "marty", mask, redirectUri, method, stored, default);
    }

    private Task<HttpResponseMessage> RedeemAsync(RegisteredClient client, string code, string? verifier = Verifier, string? redirectUri = RedirectUri)
    {
        var parameters = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code) };
        if (verifier is not null)
        {
            parameters.Add(("code_verifier", verifier));
        }

        if (redirectUri is not null)
        {
            parameters.Add(("redirect_uri", redirectUri));
        }

        return TokenAsync(_gateway.Http, client, [.. parameters]);
    }

    /// <summary>The validator's decision for GET /timetravels/bookings, and the token's owner.</summary>
    private (AccessDecision Decision, string? Owner) Validate(string accessToken)
    {
        var decision = _gateway.App.Services.GetRequiredService<AccessValidator>().Validate(HttpMethodKinds.Parse("GET"), "/timetravels/bookings", "Bearer " + accessToken, out _, out var identity, out _);
        return (decision, decision == AccessDecision.Allowed ? identity.Owner : null);
    }

    private static readonly (AccessDecision, string?) AllowedForMarty = (AccessDecision.Allowed, "marty");

    [Fact]
    public async Task Redeem_S256_IssuesTokensOwnedByTheUserInTheCodesFamily()
    {
        var client = Register();
        var code = await IssueCodeAsync(client);

        using var response = await RedeemAsync(client, code);
        var tokens = await ReadTokensAsync(response);
        using var refreshed = await RefreshAsync(_gateway.Http, client, tokens.RefreshToken!);

        Assert.Equal("view", tokens.Scope);
        Assert.Equal(AllowedForMarty, Validate(tokens.AccessToken));
        Assert.Equal(AllowedForMarty, Validate((await ReadTokensAsync(refreshed)).AccessToken));
    }

    [Fact]
    public async Task Redeem_PublicClientWithPkce_IssuesTokens()
    {
        var client = Register(confidential: false);
        var code = await IssueCodeAsync(client);

        using var response = await RedeemAsync(client, code);

        Assert.Equal(AllowedForMarty, Validate((await ReadTokensAsync(response)).AccessToken));
    }

    [Fact]
    public async Task Redeem_WrongVerifier_InvalidGrantAndCodeStillRedeemable()
    {
        var client = Register();
        var code = await IssueCodeAsync(client);

        using var wrong = await RedeemAsync(client, code, verifier: new string('a', 43));
        using var missing = await RedeemAsync(client, code, verifier: null);
        using var right = await RedeemAsync(client, code);

        await AssertErrorAsync(wrong, "invalid_grant");
        await AssertErrorAsync(missing, "invalid_grant");
        await ReadTokensAsync(right);
    }

    [Fact]
    public async Task Redeem_Replay_InvalidGrantAndFirstRedemptionsTokensRevoked()
    {
        var client = Register();
        var code = await IssueCodeAsync(client);
        using var first = await RedeemAsync(client, code);
        var tokens = await ReadTokensAsync(first);
        Assert.Equal(AllowedForMarty, Validate(tokens.AccessToken));

        using var replay = await RedeemAsync(client, code);

        Assert.Contains("already used", await AssertErrorAsync(replay, "invalid_grant"), StringComparison.Ordinal);
        Assert.Equal(AccessDecision.RevokedToken, Validate(tokens.AccessToken).Decision);
        using var refresh = await RefreshAsync(_gateway.Http, client, tokens.RefreshToken!);
        await AssertErrorAsync(refresh, "invalid_grant");
    }

    [Fact]
    public async Task Redeem_ConcurrentRedemptions_ExactlyOneSucceeds()
    {
        var client = Register();
        var code = await IssueCodeAsync(client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RedeemAsync(client, code)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("https://app.example/other")]
    [InlineData("https://app.example/callback/")]
    [InlineData(null)]
    public async Task Redeem_RedirectUriDiffers_InvalidGrant(string? redirectUri)
    {
        var client = Register();
        var code = await IssueCodeAsync(client);

        using var response = await RedeemAsync(client, code, redirectUri: redirectUri);

        Assert.Contains("redirect_uri", await AssertErrorAsync(response, "invalid_grant"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeem_CodeIssuedWithoutRedirectUri_RedirectUriOptional_ButMustBeRegisteredWhenSent()
    {
        // RFC 6749 section 4.1.3: redirect_uri is required at the token endpoint only when the authorization request had one.
        var client = Register();
        var without = await IssueCodeAsync(client, redirectUri: null);
        var withRegistered = await IssueCodeAsync(client, redirectUri: null);
        var withOther = await IssueCodeAsync(client, redirectUri: null);

        using var acceptedWithout = await RedeemAsync(client, without, redirectUri: null);
        using var acceptedWithRegistered = await RedeemAsync(client, withRegistered, redirectUri: RedirectUri);
        using var refused = await RedeemAsync(client, withOther, redirectUri: "https://app.example/other");

        await ReadTokensAsync(acceptedWithout);
        await ReadTokensAsync(acceptedWithRegistered);
        await AssertErrorAsync(refused, "invalid_grant");
    }

    [Fact]
    public async Task Redeem_AnotherClientsCode_InvalidGrantAndCodeNotBurned()
    {
        var owner = Register();
        var other = Register();
        var code = await IssueCodeAsync(owner);

        using var stolen = await RedeemAsync(other, code);
        using var legitimate = await RedeemAsync(owner, code);

        Assert.Contains("another client", await AssertErrorAsync(stolen, "invalid_grant"), StringComparison.Ordinal);
        await ReadTokensAsync(legitimate);
    }

    [Fact]
    public async Task Redeem_ExpiredCode_InvalidGrant()
    {
        var client = Register();
        var code = AccessTokens.Generate();
        var store = _gateway.App.Services.GetRequiredService<FasterTokenStore>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var family = await GrantFamilies.StartAsync(store, client.ClientId, "marty", 1, now - 400, default);
        Assert.True(Pkce.TryParseChallenge(Challenge, Pkce.S256, false, out var method, out var stored, out _));
        var record = TokenRecord.Create(TokenKind.AuthorizationCode, client.ClientId, "marty", 1, GatewayDefinition.ScopeSchemaId, now - 400, now - 100);
        record.FamilyId = family;
        record.RedirectUriHash = AuthorizationCodes.RedirectUriBinding(RedirectUri);
        record.CodeChallengeMethod = method;
        record.CodeChallenge = stored;
        Assert.True(TokenHash.TryCompute(code, out var hash));
        await store.AddAsync(hash, record, default);

        using var response = await RedeemAsync(client, code);

        Assert.Contains("expired", await AssertErrorAsync(response, "invalid_grant"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeem_PublicClientCodeWithoutPkce_InvalidGrant()
    {
        var client = Register(confidential: false);
        var code = await IssueCodeAsync(client, challenge: null);

        using var response = await RedeemAsync(client, code, verifier: null);

        Assert.Contains("PKCE", await AssertErrorAsync(response, "invalid_grant"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeem_ConfidentialClientWithoutPkce_IssuesTokensButRefusesAStrayVerifier()
    {
        var client = Register();
        var plain = await IssueCodeAsync(client, challenge: null);
        var stray = await IssueCodeAsync(client, challenge: null);

        using var accepted = await RedeemAsync(client, plain, verifier: null);
        using var refused = await RedeemAsync(client, stray, verifier: Verifier);

        await ReadTokensAsync(accepted);
        await AssertErrorAsync(refused, "invalid_grant");
    }

    [Fact]
    public async Task Redeem_UnknownCodeOrRefreshToken_InvalidGrant()
    {
        var client = Register();
        var code = await IssueCodeAsync(client);
        using var redeemed = await RedeemAsync(client, code);
        var tokens = await ReadTokensAsync(redeemed);

        using var unknown = await RedeemAsync(client, AccessTokens.Generate());
        using var notACode = await RedeemAsync(client, tokens.RefreshToken!);

        await AssertErrorAsync(unknown, "invalid_grant");
        await AssertErrorAsync(notACode, "invalid_grant");
    }

    [Fact]
    public async Task Redeem_ClientNotRegisteredForCodes_UnauthorizedClient()
    {
        var code = await IssueCodeAsync(Register());
        var secret = ClientSecrets.Generate();
        var metadata = new ClientMetadataRequest("cc" + Guid.NewGuid().ToString("n")[..12], null, "view", null, null, null, null, null);
        Assert.True(_gateway.App.Services.GetRequiredService<DurableRegistry<OAuthClient>>().TryAdd(ClientAdminEndpoints.ToClient(metadata, secret, 0)));

        using var response = await RedeemAsync(new RegisteredClient(metadata.ClientId!, secret), code);

        await AssertErrorAsync(response, "unauthorized_client");
    }
}
