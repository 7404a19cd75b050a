using FastGateway.Validation;
using FastGateway.Clients;
using FastGateway.Hosting;
using FastGateway.Users;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.Tests.TokenStore;
using FastGateway.TokenStore;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Tests.Authorization;

/// <summary>The validation hot path against a real FASTER store on disk.</summary>
public sealed class AccessValidatorTests : IAsyncLifetime
{
    private readonly TempStoreFolder _folder = new();
    private FasterTokenStore _store = null!;
    private AccessValidator _validator = null!;
    private DurableRegistry<OAuthClient> _clients = null!;
    private DurableRegistry<ResourceOwner> _users = null!;

    public async Task InitializeAsync()
    {
        _store = await _folder.OpenAsync();
        (_clients, _users) = _folder.Registries(["client-1", "client-2"], ["marty"]);
        _validator = new AccessValidator(_store, new TokenStanding(_store, _clients, _users), ScopeCatalog.Load(_folder.Path), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<string> IssueAsync(string scope, long expiresIn = 3600, TokenState state = TokenState.Active, string clientId = "client-1", string? owner = null)
    {
        var token = AccessTokens.Generate();
        Assert.True(ScopeCatalog.TryParse(scope, out var mask, out _));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await _store.AddAsync(TempStoreFolder.Key(token), TokenRecord.Create(TokenKind.AccessToken, clientId, owner, mask, GatewayDefinition.ScopeSchemaId, now - 10, now + expiresIn), default);
        if (state == TokenState.Revoked)
        {
            Assert.True(await _store.RevokeAsync(TempStoreFolder.Key(token), default));
        }

        return token;
    }

    private AccessDecision Validate(string method, string path, StringValues authorization) =>
        _validator.Validate(HttpMethodKinds.Parse(method), path, authorization, out _, out _, out _);

    [Fact]
    public async Task Validate_ViewToken_AllowsGetRefusesPost()
    {
        var bearer = "Bearer " + await IssueAsync("view");

        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", bearer));
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings/7", bearer));
        Assert.Equal(AccessDecision.InsufficientScope, Validate("POST", "/timetravels/bookings", bearer));
        Assert.Equal(AccessDecision.InsufficientScope, Validate("DELETE", "/timetravels/bookings/7", bearer));
    }

    [Fact]
    public async Task Validate_RouteIsDecidedBeforeToken()
    {
        var bearer = "Bearer " + await IssueAsync("view");

        Assert.Equal(AccessDecision.NoApi, Validate("GET", "/elsewhere", bearer));
        Assert.Equal(AccessDecision.NoResource, Validate("GET", "/timetravels/nothing", StringValues.Empty));
        Assert.Equal(AccessDecision.NoResource, Validate("TRACE", "/timetravels/bookings", bearer));
    }

    [Fact]
    public async Task Validate_ExpiredRevokedUnknownMissing_AreDistinguished()
    {
        var expired = "Bearer " + await IssueAsync("view", expiresIn: -1);
        var revoked = "Bearer " + await IssueAsync("view", state: TokenState.Revoked);

        Assert.Equal(AccessDecision.ExpiredToken, Validate("GET", "/timetravels/bookings", expired));
        Assert.Equal(AccessDecision.RevokedToken, Validate("GET", "/timetravels/bookings", revoked));
        Assert.Equal(AccessDecision.InvalidToken, Validate("GET", "/timetravels/bookings", "Bearer " + AccessTokens.Generate()));
        Assert.Equal(AccessDecision.InvalidToken, Validate("GET", "/timetravels/bookings", "Bearer not%valid"));
        Assert.Equal(AccessDecision.MissingToken, Validate("GET", "/timetravels/bookings", "Basic dXNlcjpwYXNz"));
        Assert.Equal(AccessDecision.MissingToken, Validate("GET", "/timetravels/bookings", StringValues.Empty));
        Assert.Equal(AccessDecision.MalformedRequest, Validate("GET", "/timetravels/bookings", new StringValues(["Bearer a", "Bearer b"])));
    }

    [Fact]
    public async Task Validate_WholePath_AllocatesNothing()
    {
        // Owned by a user, so the path looks up the client and the owner in their registries as well.
        StringValues bearer = "Bearer " + await IssueAsync("view book", owner: "marty");
        const string Path = "/timetravels/bookings/42";
        Assert.Equal(AccessDecision.Allowed, _validator.Validate(HttpMethodKind.Get, Path, bearer, out _, out _, out _));
        _ = _validator.Validate(HttpMethodKind.Delete, Path, bearer, out _, out _, out _);

        // Up to three blocks of 2,000 validations; one must allocate nothing. The single block this test used to have
        // failed once in a full run and never alone; my guess, unproven: a FASTER read runs whatever epoch work is
        // pending (the tail of the issuing write's checkpoint) on the reading thread. A per-call allocation shows in
        // every block.
        var allocated = new List<long>();
        for (var block = 0; block < 3 && (allocated.Count == 0 || allocated[^1] != 0); block++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                _validator.Validate(HttpMethodKind.Get, Path, bearer, out _, out _, out _);
                _validator.Validate(HttpMethodKind.Delete, Path, bearer, out _, out _, out _);
            }

            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated[^1] == 0, $"bytes allocated per block of 2,000 validations: {string.Join(", ", allocated)}");
    }

    [Fact]
    public async Task Validate_ClientDeletedSuspendedOrRecreated_IsRevoked()
    {
        var deleted = "Bearer " + await IssueAsync("view", clientId: "client-2");
        var suspended = "Bearer " + await IssueAsync("view");
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", suspended));

        Assert.True(_clients.Remove("client-2"));
        Assert.True(_clients.TryGet("client-1", out var client));
        _clients.Upsert(client with { Suspended = true });
        Assert.Equal(AccessDecision.RevokedToken, Validate("GET", "/timetravels/bookings", deleted));
        Assert.Equal(AccessDecision.RevokedToken, Validate("GET", "/timetravels/bookings", suspended));

        // Resumed: works again. Re-registered under the same client_id: the old client's token stays dead.
        _clients.Upsert(client);
        _clients.Upsert(client with { ClientId = "client-2", ClientIdIssuedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", suspended));
        Assert.Equal(AccessDecision.RevokedToken, Validate("GET", "/timetravels/bookings", deleted));
    }

    [Fact]
    public async Task Validate_OwnerDeleted_IsRevoked()
    {
        var owned = "Bearer " + await IssueAsync("view", owner: "marty");
        var unknownOwner = "Bearer " + await IssueAsync("view", owner: "biff");
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", owned));
        Assert.Equal(AccessDecision.RevokedToken, Validate("GET", "/timetravels/bookings", unknownOwner));

        Assert.True(_users.Remove("marty"));
        Assert.Equal(AccessDecision.RevokedToken, Validate("GET", "/timetravels/bookings", owned));
    }

    [Fact]
    public async Task Validate_ClientScopeNarrowed_TokenLosesTheRemovedScopesAtOnce()
    {
        StringValues bearer = "Bearer " + await IssueAsync("view book");
        Assert.Equal(AccessDecision.Allowed, Validate("POST", "/timetravels/bookings", bearer));

        Assert.True(_clients.TryGet("client-1", out var client));
        _clients.Upsert(client with { Scope = "view" });

        Assert.Equal(AccessDecision.InsufficientScope, Validate("POST", "/timetravels/bookings", bearer));
        Assert.Equal(AccessDecision.Allowed, _validator.Validate(HttpMethodKind.Get, "/timetravels/bookings", bearer, out _, out _, out var granted));
        Assert.True(ScopeCatalog.TryParse("view", out var view, out _));
        Assert.Equal(view, granted);
    }

    [Fact]
    public async Task Validate_ClientWithRateLimit_RateLimitedAfterItsBurstOnlyForwardableRequestsCount()
    {
        StringValues limited = "Bearer " + await IssueAsync("view");
        StringValues other = "Bearer " + await IssueAsync("view", clientId: "client-2");
        Assert.True(_clients.TryGet("client-1", out var client));
        _clients.Upsert(client with { RateLimit = new Contracts.Admin.RateLimit(2, 3600) });

        // Refused requests (403 here) take nothing from the quota.
        Assert.Equal(AccessDecision.InsufficientScope, Validate("POST", "/timetravels/bookings", limited));
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", limited));
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", limited));
        Assert.Equal(AccessDecision.RateLimited, Validate("GET", "/timetravels/bookings", limited));
        Assert.Equal(AccessDecision.Allowed, Validate("GET", "/timetravels/bookings", other));
    }

    [Fact]
    public async Task Validate_WithQuota_AllocatesNothing()
    {
        StringValues bearer = "Bearer " + await IssueAsync("view");
        Assert.True(_clients.TryGet("client-1", out var client));
        _clients.Upsert(client with { RateLimit = new Contracts.Admin.RateLimit(Contracts.Admin.RateLimit.MaxRequests, 1) });
        const string Path = "/timetravels/bookings/42";
        Assert.Equal(AccessDecision.Allowed, _validator.Validate(HttpMethodKind.Get, Path, bearer, out _, out _, out _));

        var allocated = new List<long>();
        for (var block = 0; block < 3 && (allocated.Count == 0 || allocated[^1] != 0); block++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 2000; i++)
            {
                _validator.Validate(HttpMethodKind.Get, Path, bearer, out _, out _, out _);
            }

            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated[^1] == 0, $"bytes allocated per block of 2,000 validations: {string.Join(", ", allocated)}");
    }
}
