using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=refresh_token</c>, RFC 6749 section 6, with rotation, a refresh limit and reuse detection
/// (OAuth 2.0 Security BCP, RFC 9700 section 4.14.2).
/// </summary>
/// <remarks>
/// <code>
/// registered for refresh_token? ──no──► unauthorized_client
///   read the refresh token (no write yet)
///     unknown / not a refresh token / another client's / revoked / grant revoked / owner deleted / expired ──► invalid_grant
///     scope not within the refresh token's ──► invalid_scope
///     already rotated ── within OAuth:RefreshTokenReuseGrace s of its rotation ──► new pair (concurrent refresh)
///                     └─ later ──► revoke the family (every token of the grant) ──► invalid_grant
///     RefreshUsesLeft = 0 ──► invalid_grant "refresh limit reached" (token not consumed, grant kept)
///   ConsumeAsync (atomic) ──► new access token + new refresh token with RefreshUsesLeft - 1
/// </code>
/// <para>
/// Refresh limit (webMethods semantics): the limit is how many times a lineage can be refreshed. The first
/// refresh token carries <c>RefreshUsesLeft = refresh_limit</c>; each rotation issues one with one less.
/// The limit is checked before the token is consumed, so presenting an exhausted token is a plain refusal:
/// it neither burns the token nor looks like reuse, and the grant's current access token stays valid.
/// </para>
/// <para>
/// Grace window: a rotated token presented again within the grace window (counted from its first
/// rotation, <see cref="TokenRecord.ConsumedAt"/>) gets a second, independent pair with the same uses left;
/// both pairs stay valid. This is what lets two tabs or retries after a lost response refresh at once
/// without logging the user out. After the window, a second use means the token leaked: the family is revoked.
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

        if (record.State == TokenState.Revoked || !standing.IsActive(record))
        {
            return GrantResult.InvalidGrant("the refresh token was revoked");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (now >= record.ExpiresAt)
        {
            return GrantResult.InvalidGrant("the refresh token expired");
        }

        // Reuse detection comes before any other refusal, so a replayed token revokes the grant whatever else was sent.
        if (record.State == TokenState.Consumed && !WithinGrace(record, now))
        {
            return await RevokeReusedAsync(client, record, hash, now).ConfigureAwait(false);
        }

        // RFC 6749 section 6: the new access token's scope may narrow, never widen, the refresh token's.
        var lineageScopes = scopes.ToCurrent(record.Scopes, record.ScopeSchemaId);
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
            if (!WithinGrace(before, now))
            {
                return await RevokeReusedAsync(client, before, hash, now).ConfigureAwait(false);
            }

            Log.ConcurrentRefresh(logger, hash.ToTokenId(), client.ClientId, now - before.ConsumedAt);
        }

        return await RotateAsync(client, before, lineageScopes, granted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a rotated token's second use is within <c>OAuth:RefreshTokenReuseGrace</c> seconds (0 = no grace).</summary>
    private bool WithinGrace(in TokenRecord consumed, long now)
    {
        var grace = options.Value.RefreshTokenReuseGrace;
        return grace > 0 && now - consumed.ConsumedAt <= grace;
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
        [LoggerMessage(EventId = EventIds.ConcurrentRefresh, Level = LogLevel.Information, Message = "Refresh token {TokenId} of client {ClientId} presented again {Seconds} s after its rotation, within the grace window: issuing another pair")]
        public static partial void ConcurrentRefresh(ILogger logger, string tokenId, string clientId, long seconds);
    }
}
