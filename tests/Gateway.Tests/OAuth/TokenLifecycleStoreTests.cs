using FastGateway.Validation;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.Tests.TokenStore;
using FastGateway.TokenStore;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastGateway.Tests.OAuth;

/// <summary>
/// Introspection and revocation decisions for refresh tokens, grant families, codes and consumed records,
/// against a real FASTER store on disk (the refresh and code grants that make such records are built elsewhere).
/// </summary>
public sealed class TokenLifecycleStoreTests : IAsyncLifetime
{
    private const string Client = "client-1";
    private readonly TempStoreFolder _folder = new();
    private FasterTokenStore _store = null!;
    private IntrospectionEndpoint _introspection = null!;
    private RevocationEndpoint _revocation = null!;
    private AccessValidator _validator = null!;

    public async Task InitializeAsync()
    {
        _store = await _folder.OpenAsync();
        var scopes = ScopeCatalog.Load(_folder.Path);
        // The authenticator is not used by the decision methods under test.
        var standing = _folder.Standing(_store, [Client, "client-2"], ["marty"]);
        _introspection = new IntrospectionEndpoint(null!, _store, standing, scopes, TimeProvider.System, NullLogger<IntrospectionEndpoint>.Instance);
        _revocation = new RevocationEndpoint(null!, _store, new Audit.AuditLog(NullLoggerFactory.Instance), NullLogger<RevocationEndpoint>.Instance);
        _validator = new AccessValidator(_store, standing, scopes, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task<string> AddAsync(TokenKind kind, FamilyId family, string clientId = Client, string? owner = "marty", long expiresIn = 3600)
    {
        var token = AccessTokens.Generate();
        Assert.True(ScopeCatalog.TryParse("view book", out var mask, out _));
        var record = TokenRecord.Create(kind, clientId, owner, mask, GatewayDefinition.ScopeSchemaId, Now - 5, expiresIn < 0 ? TokenRecord.NeverExpires : Now + expiresIn);
        record.FamilyId = family;
        await _store.AddAsync(TempStoreFolder.Key(token), record, default);
        return token;
    }

    private async Task<FamilyId> AddFamilyAsync(string clientId = Client)
    {
        var family = FamilyId.New();
        var record = TokenRecord.Create(TokenKind.Family, clientId, "marty", 0, GatewayDefinition.ScopeSchemaId, Now, TokenRecord.NeverExpires);
        record.FamilyId = family;
        await _store.AddAsync(TokenHash.ForFamily(family), record, default);
        return family;
    }

    private bool IsActive(string token) => _introspection.Introspect(token, out _).Active;

    private AccessDecision Proxy(string token) =>
        _validator.Validate(HttpMethodKind.Get, "/timetravels/bookings", "Bearer " + token, out _, out _, out _);

    [Fact]
    public async Task Introspect_RefreshTokenOfActiveFamily_IsActiveWithOwnerAndRefreshType()
    {
        var family = await AddFamilyAsync();
        var refresh = await AddAsync(TokenKind.RefreshToken, family, expiresIn: -1);

        var answer = _introspection.Introspect(refresh, out _);

        Assert.True(answer.Active);
        Assert.Equal("refresh_token", answer.TokenType);
        Assert.Equal("marty", answer.Username);
        Assert.Equal("marty", answer.Sub);
        Assert.Equal(Client, answer.ClientId);
        Assert.Equal("view book", answer.Scope);
        Assert.Null(answer.Exp);
        Assert.NotNull(answer.Iat);
    }

    [Fact]
    public async Task Introspect_TokenWhoseFamilyRecordIsMissingOrRevoked_IsInactive()
    {
        var orphan = await AddAsync(TokenKind.AccessToken, FamilyId.New());
        var family = await AddFamilyAsync();
        var access = await AddAsync(TokenKind.AccessToken, family);
        Assert.True(IsActive(access));

        Assert.True(await _store.RevokeAsync(TokenHash.ForFamily(family), default));

        Assert.False(IsActive(orphan));
        Assert.False(IsActive(access));
        Assert.Equal(AccessDecision.RevokedToken, Proxy(access));
    }

    [Fact]
    public async Task Introspect_CodesFamilyRecordsAndConsumedTokens_AreNeverActive()
    {
        var family = await AddFamilyAsync();
        var code = await AddAsync(TokenKind.AuthorizationCode, family, expiresIn: 300);
        var familyKind = await AddAsync(TokenKind.Family, FamilyId.None);
        var rotated = await AddAsync(TokenKind.RefreshToken, family);
        await _store.ConsumeAsync(TempStoreFolder.Key(rotated), Now, default);

        Assert.False(IsActive(code));
        Assert.False(IsActive(familyKind));
        Assert.False(IsActive(rotated));
    }

    [Fact]
    public async Task Revoke_RefreshToken_RevokesItsWholeFamilyInOneWrite()
    {
        var family = await AddFamilyAsync();
        var access = await AddAsync(TokenKind.AccessToken, family);
        var refresh = await AddAsync(TokenKind.RefreshToken, family);
        Assert.Equal(AccessDecision.Allowed, Proxy(access));

        var outcome = await _revocation.RevokeAsync(refresh, Client, default);

        Assert.Equal(RevocationOutcome.FamilyRevoked, outcome);
        Assert.False(IsActive(refresh));
        Assert.False(IsActive(access));
        Assert.Equal(AccessDecision.RevokedToken, Proxy(access));
        // The records themselves were not rewritten: the family record decides.
        Assert.True(_store.TryGet(TempStoreFolder.Key(access), out var record) && record.State == TokenState.Active);
    }

    [Fact]
    public async Task Revoke_AccessTokenOfFamily_RevokesOnlyThatToken()
    {
        var family = await AddFamilyAsync();
        var access = await AddAsync(TokenKind.AccessToken, family);
        var refresh = await AddAsync(TokenKind.RefreshToken, family);

        Assert.Equal(RevocationOutcome.TokenRevoked, await _revocation.RevokeAsync(access, Client, default));

        Assert.False(IsActive(access));
        Assert.True(IsActive(refresh));
    }

    [Fact]
    public async Task Revoke_OtherClientsRefreshToken_ChangesNothing()
    {
        var family = await AddFamilyAsync();
        var refresh = await AddAsync(TokenKind.RefreshToken, family);

        Assert.Equal(RevocationOutcome.OtherClient, await _revocation.RevokeAsync(refresh, "client-2", default));
        Assert.Equal(RevocationOutcome.Unknown, await _revocation.RevokeAsync(AccessTokens.Generate(), Client, default));

        Assert.True(IsActive(refresh));
    }

    [Fact]
    public async Task Revoke_AuthorizationCode_IsTreatedAsUnknown()
    {
        var family = await AddFamilyAsync();
        var code = await AddAsync(TokenKind.AuthorizationCode, family, expiresIn: 300);

        Assert.Equal(RevocationOutcome.Unknown, await _revocation.RevokeAsync(code, Client, default));

        Assert.True(_store.TryGet(TempStoreFolder.Key(code), out var record) && record.State == TokenState.Active);
        Assert.True(_store.IsGrantFamilyActive(record));
    }
}
