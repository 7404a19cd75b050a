using FastGateway.Audit;
using FastGateway.Clients;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth;

/// <summary>
/// What a user grant (authorization code, password, refresh) hands to <see cref="TokenIssuer.IssuePairAsync"/>.
/// </summary>
/// <param name="Owner">The resource owner's username.</param>
/// <param name="Family">The grant's lineage; both tokens carry it.</param>
/// <param name="AccessScopes">Scopes of the access token (mask over the current scope table).</param>
/// <param name="RefreshScopes">
/// Scopes of the refresh token: the grant's original scopes, so a refresh that narrowed the access token
/// does not narrow the lineage (RFC 6749 section 6: a new refresh token has the old one's scope).
/// </param>
/// <param name="RefreshUsesLeft">The new refresh token's remaining refreshes; null = issue no refresh token.</param>
internal readonly record struct TokenGrant(string Owner, FamilyId Family, ulong AccessScopes, ulong RefreshScopes, int? RefreshUsesLeft);

/// <summary>Mints access and refresh tokens and stores them durably.</summary>
internal sealed class TokenIssuer(FasterTokenStore store, ScopeCatalog scopes, IOptions<OAuthOptions> options, Settings.RuntimeSettings settings, TimeProvider time, AuditLog audit)
{
    /// <summary>
    /// Issues an access token and returns only once it is durable in the token store, so an
    /// acknowledged token survives a crash (<c>kill -9</c>) right after the response.
    /// </summary>
    /// <param name="client">The client the token is for.</param>
    /// <param name="owner">The resource owner's username, or null (client credentials).</param>
    /// <param name="granted">Granted scopes as a mask over the generated scope table.</param>
    /// <param name="grantType">The grant (RFC 6749 grant_type, or implicit), for the audit log.</param>
    /// <param name="cancellationToken">Cancels waiting for durability (the token may still be stored).</param>
    public async Task<TokenResponse> IssueAccessTokenAsync(OAuthClient client, string? owner, ulong granted, string grantType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var (token, hash, record, lifetime) = NewAccessToken(client, owner, granted, FamilyId.None, now);
        await store.AddAsync(hash, record, cancellationToken).ConfigureAwait(false);
        var scope = scopes.Format(granted);
        audit.TokenIssued(grantType, client.ClientId, owner, hash.ToTokenId());

        return new TokenResponse(token, "Bearer", lifetime < 0 ? null : lifetime, scope, now, client.ClientId);
    }

    /// <summary>
    /// Issues the tokens of a user grant: an access token and, when <see cref="TokenGrant.RefreshUsesLeft"/>
    /// is set, a refresh token (lifetime <c>OAuth:RefreshTokenLifetime</c>, -1 = never expires, capped at
    /// <c>OAuth:RefreshTokenAbsoluteLifetime</c> from the grant's start), both in the grant's family (RFC 6749
    /// section 5.1); the refresh token becomes the family's one usable refresh token. Both writes go to the store concurrently, so they usually share
    /// one group commit; the response is returned only once both are durable.
    /// </summary>
    /// <param name="client">The client the tokens are for.</param>
    /// <param name="grant">Owner, family, scopes and the refresh token's remaining uses.</param>
    /// <param name="grantType">The grant (RFC 6749 grant_type), for the audit log.</param>
    /// <param name="cancellationToken">Cancels waiting for durability (the tokens may still be stored).</param>
    public async Task<TokenResponse> IssuePairAsync(OAuthClient client, TokenGrant grant, string grantType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var (token, hash, record, lifetime) = NewAccessToken(client, grant.Owner, grant.AccessScopes, grant.Family, now);
        var accessWrite = store.AddAsync(hash, record, cancellationToken);

        string? refreshToken = null;
        var refreshWrite = ValueTask.CompletedTask;
        var currentWrite = ValueTask.FromResult(true);
        if (grant.RefreshUsesLeft is { } usesLeft)
        {
            refreshToken = AccessTokens.Generate();
            TokenHash.TryCompute(refreshToken, out var refreshHash);
            var refresh = TokenRecord.Create(TokenKind.RefreshToken, client.ClientId, grant.Owner, grant.RefreshScopes, GatewayDefinition.ScopeSchemaId,
                now, RefreshExpiry(grant.Family, now));
            refresh.FamilyId = grant.Family;
            refresh.RefreshUsesLeft = usesLeft;
            refreshWrite = store.AddAsync(refreshHash, refresh, cancellationToken);
            // The new refresh token becomes the grant's only usable one: a sibling from a concurrent refresh within the
            // reuse grace is superseded (GrantFamilies.IsCurrentRefreshToken). Written beside the token, so both
            // usually share one group commit; the response waits for both, so nobody holds the token before it counts.
            currentWrite = store.SetCurrentRefreshTokenAsync(grant.Family, refreshHash, cancellationToken);
        }

        // Each ValueTask is awaited exactly once; the refresh write may fail after the access write succeeded,
        // which leaves an unannounced (never returned) access token: harmless.
        await accessWrite.ConfigureAwait(false);
        await refreshWrite.ConfigureAwait(false);
        await currentWrite.ConfigureAwait(false);

        var scope = scopes.Format(grant.AccessScopes);
        audit.TokenIssued(grantType, client.ClientId, grant.Owner, hash.ToTokenId());

        return new TokenResponse(token, "Bearer", lifetime < 0 ? null : lifetime, scope, now, client.ClientId, refreshToken);
    }

    /// <summary>
    /// The refresh uses a lineage starts with: the client's refresh limit when it is above 0 and the client
    /// is registered for the refresh_token grant; null (no refresh token) otherwise.
    /// </summary>
    public static int? InitialRefreshUses(OAuthClient client) =>
        client.RefreshLimit > 0 && client.AllowsGrant(GrantTypes.RefreshToken) ? client.RefreshLimit : null;

    /// <summary>
    /// A new refresh token's expiry, Unix seconds: <c>OAuth:RefreshTokenLifetime</c> from now (-1: never), but never
    /// past the grant's absolute end, <c>OAuth:RefreshTokenAbsoluteLifetime</c> from the grant family's start (-1: none).
    /// </summary>
    private long RefreshExpiry(FamilyId family, long now)
    {
        var lifetime = options.Value.RefreshTokenLifetime;
        var expiresAt = lifetime < 0 ? TokenRecord.NeverExpires : now + lifetime;
        var absolute = options.Value.RefreshTokenAbsoluteLifetime;
        if (absolute < 0)
        {
            return expiresAt;
        }

        var grantedAt = store.TryGet(TokenHash.ForFamily(family), out var record) ? record.IssuedAt : now;
        return Math.Min(expiresAt, grantedAt + absolute);
    }

    private (string Token, TokenHash Hash, TokenRecord Record, int Lifetime) NewAccessToken(OAuthClient client, string? owner, ulong granted, FamilyId family, long now)
    {
        var lifetime = client.AccessTokenLifetime ?? settings.AccessTokenLifetime;
        var expiresAt = lifetime < 0 ? TokenRecord.NeverExpires : now + lifetime;
        var token = AccessTokens.Generate();
        TokenHash.TryCompute(token, out var hash);
        var record = TokenRecord.Create(TokenKind.AccessToken, client.ClientId, owner, granted, GatewayDefinition.ScopeSchemaId, now, expiresAt);
        record.FamilyId = family;
        return (token, hash, record, lifetime);
    }
}
