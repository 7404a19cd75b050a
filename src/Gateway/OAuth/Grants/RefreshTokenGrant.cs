using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=refresh_token</c>, RFC 6749 section 6, with rotation, a refresh limit, reuse detection
/// (OAuth 2.0 Security BCP, RFC 9700 section 4.14.2), one usable refresh token per grant and an absolute lifetime.
/// </summary>
/// <remarks>
/// <code>
/// registered for refresh_token? ──no──► unauthorized_client
///   read the refresh token and its grant family (no write yet)
///     unknown / not a refresh token / another client's / revoked / grant revoked / owner deleted / expired ──► invalid_grant
///     already rotated ── within OAuth:RefreshTokenReuseGrace s of its rotation, its successor not yet used ──► new pair (concurrent refresh)
///                     └─ otherwise (default: grace 0) ──► revoke the family (every token of the grant) ──► invalid_grant
///     superseded by a concurrent refresh's pair ──► invalid_grant (grant kept)
///     older than OAuth:RefreshTokenAbsoluteLifetime since the grant ──► invalid_grant
///     scope not within the refresh token's ∩ the client's current scope ──► invalid_scope
///     RefreshUsesLeft = 0 ──► invalid_grant "refresh limit reached" (token not consumed, grant kept)
///   ConsumeAsync (atomic) ──► new access token + new refresh token with RefreshUsesLeft - 1, recorded as the family's current one
/// </code>
/// <para>
/// Refresh limit (webMethods semantics): the limit is how many times a lineage can be refreshed. The first
/// refresh token carries <c>RefreshUsesLeft = refresh_limit</c>; each rotation issues one with one less.
/// The limit is checked before the token is consumed, so presenting an exhausted token is a plain refusal:
/// it neither burns the token nor looks like reuse, and the grant's current access token stays valid.
/// </para>
/// <para>
/// Grace window (off by default, as in Keycloak, Hydra and Auth0): a rotated token presented again within the
/// window (counted from its first rotation, <see cref="TokenRecord.ConsumedAt"/>) gets another pair, and that pair's
/// refresh token becomes the grant's only usable one (<see cref="TokenRecord.CurrentRefreshToken"/> on the family
/// record, set by <see cref="TokenIssuer.IssuePairAsync"/>; the last of concurrent refreshes wins). The first pair's
/// access token stays valid until it expires, its refresh token is refused: a grant never forks into two live chains.
/// Once the first pair's refresh token has itself been used, the old token's second use is reuse, grace or not.
/// </para>
/// <para>
/// Scope: the new tokens carry at most the refresh token's scope (RFC 6749 section 6) cut to the client's current
/// <c>scope</c>, so a client narrowed by PATCH does not get removed scopes back, and the narrowed lineage stays narrow.
/// </para>
/// </remarks>
internal sealed partial class RefreshTokenGrant(FasterTokenStore store, Validation.TokenStanding standing, ScopeCatalog scopes, TokenIssuer issuer, IOptions<OAuthOptions> options, TimeProvider time, Audit.AuditLog audit, ILogger<RefreshTokenGrant> logger)
{
    /// <summary>Handles the grant for an authenticated client (public clients: client_id alone).</summary>
    public async Task<GrantResult> HandleAsync(OAuthClient client, IFormCollection form, CancellationToken cancellationToken)
    {
        if (!client.AllowsGrant(GrantTypes.RefreshToken))
        {
            return GrantResult.Fail(ErrorCodes.UnauthorizedClient, "this client is not registered for the refresh_token grant");
        }

        if (!OAuthForm.TryGetSingle(form, "refresh_token", out var refreshToken, out var problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidRequest, problem);
        }

        if (!TokenHash.TryCompute(refreshToken, out var hash) || !store.TryGet(hash, out var record) || record.Kind != TokenKind.RefreshToken)
        {
            return GrantResult.InvalidGrant("unknown refresh token");
        }

        // Another client's token is refused without touching it: no burning, no revocation on someone else's word.
        if (record.ClientId != client.ClientId)
        {
            return GrantResult.InvalidGrant("the refresh token was issued to another client");
        }

        if (record.State == TokenState.Revoked || !standing.IsActive(record) || !store.TryGet(TokenHash.ForFamily(record.FamilyId), out var family))
        {
            return GrantResult.InvalidGrant("the refresh token was revoked");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (now >= record.ExpiresAt)
        {
            return GrantResult.InvalidGrant("the refresh token expired");
        }

        // Reuse detection comes before any other refusal, so a replayed token revokes the grant whatever else was sent.
        if (record.State == TokenState.Consumed && !IsConcurrentRefresh(hash, record, family, now))
        {
            return await RevokeReusedAsync(client, record, hash, now).ConfigureAwait(false);
        }

        // A pair from a concurrent refresh replaced this token's: its holder lost the race, not the grant.
        if (record.State == TokenState.Active && !family.CurrentRefreshToken.Equals(default) && !family.CurrentRefreshToken.Equals(hash))
        {
            Log.Superseded(logger, hash.ToTokenId(), client.ClientId);
            return GrantResult.InvalidGrant("the refresh token was superseded by a concurrent refresh of the same grant; use the refresh token of the latest response");
        }

        var absolute = options.Value.RefreshTokenAbsoluteLifetime;
        if (absolute >= 0 && now >= family.IssuedAt + absolute)
        {
            return GrantResult.InvalidGrant($"the grant reached its maximum lifetime of {absolute} s; authorize again");
        }

        // RFC 6749 section 6: the new access token's scope may narrow, never widen, the refresh token's; and never
        // exceeds what the client may have now (an operator may have narrowed it since the grant).
        var lineageScopes = scopes.ToCurrent(record.Scopes, record.ScopeSchemaId) & client.AllowedScopes;
        if (!ClientScopes.TryGrant(form["scope"], lineageScopes, "the refresh token", out var granted, out problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidScope, problem);
        }

        if (record.State == TokenState.Consumed)
        {
            Log.ConcurrentRefresh(logger, hash.ToTokenId(), client.ClientId, now - record.ConsumedAt);
            return await RotateAsync(client, record, lineageScopes, granted, cancellationToken).ConfigureAwait(false);
        }

        // Checked before consuming: an exhausted token is refused, not burned, and the grant is kept.
        if (record.RefreshUsesLeft <= 0)
        {
            return GrantResult.InvalidGrant("refresh limit reached; authorize again");
        }

        var (found, before) = await store.ConsumeAsync(hash, now, cancellationToken).ConfigureAwait(false);
        if (!found || before.State == TokenState.Revoked)
        {
            return GrantResult.InvalidGrant("the refresh token was revoked");
        }

        if (before.State == TokenState.Consumed)
        {
            // A concurrent refresh rotated it between our read and our write: the grace rules decide.
            store.TryGet(TokenHash.ForFamily(before.FamilyId), out family);
            if (!IsConcurrentRefresh(hash, before, family, now))
            {
                return await RevokeReusedAsync(client, before, hash, now).ConfigureAwait(false);
            }

            Log.ConcurrentRefresh(logger, hash.ToTokenId(), client.ClientId, now - before.ConsumedAt);
        }

        return await RotateAsync(client, before, lineageScopes, granted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a second use of a rotated token is a concurrent refresh, not reuse: within <c>OAuth:RefreshTokenReuseGrace</c>
    /// seconds of its rotation (0 = never), and the grant's chain has not moved past the pair that rotation issued: the
    /// family's current refresh token is unset, this one (its rotation still in flight), or an unused direct successor
    /// (one refresh use fewer). A successor that was itself used means the old token came back late: reuse.
    /// </summary>
    private bool IsConcurrentRefresh(TokenHash key, in TokenRecord consumed, in TokenRecord family, long now)
    {
        var grace = options.Value.RefreshTokenReuseGrace;
        if (grace <= 0 || now - consumed.ConsumedAt > grace)
        {
            return false;
        }

        var current = family.CurrentRefreshToken;
        if (current.Equals(default) || current.Equals(key) || !store.TryGet(current, out var successor))
        {
            return true;
        }

        return successor.State == TokenState.Active && successor.RefreshUsesLeft == consumed.RefreshUsesLeft - 1;
    }

    private async Task<GrantResult> RevokeReusedAsync(OAuthClient client, TokenRecord consumed, TokenHash hash, long now)
    {
        // Not cancellable: a client hanging up must not stop the revocation.
        await GrantFamilies.RevokeAsync(store, consumed.FamilyId, CancellationToken.None).ConfigureAwait(false);
        audit.GrantRevoked(client.ClientId, consumed.Owner, hash.ToTokenId(), $"refresh token reused {now - consumed.ConsumedAt} s after its rotation");
        return GrantResult.InvalidGrant("the refresh token was already used; the grant is revoked, authorize again");
    }

    private async Task<GrantResult> RotateAsync(OAuthClient client, TokenRecord used, ulong lineageScopes, ulong granted, CancellationToken cancellationToken)
    {
        var grant = new TokenGrant(used.Owner ?? "", used.FamilyId, granted, lineageScopes, used.RefreshUsesLeft - 1);
        return GrantResult.Success(await issuer.IssuePairAsync(client, grant, GrantTypes.RefreshToken, cancellationToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConcurrentRefresh, Level = LogLevel.Information, Message = "Refresh token {TokenId} of client {ClientId} presented again {Seconds} s after its rotation, within the grace window: issuing another pair, which supersedes the first")]
        public static partial void ConcurrentRefresh(ILogger logger, string tokenId, string clientId, long seconds);

        [LoggerMessage(EventId = EventIds.RefreshSuperseded, Level = LogLevel.Information, Message = "Refresh token {TokenId} of client {ClientId} was superseded by a concurrent refresh of its grant: refused, grant kept")]
        public static partial void Superseded(ILogger logger, string tokenId, string clientId);
    }
}
