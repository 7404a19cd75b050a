using FastGateway.Generated;
using FastGateway.TokenStore;

namespace FastGateway.OAuth;

/// <summary>
/// Grant families (lineages): one authorization code or password grant and every token issued or
/// refreshed from it share a <see cref="FamilyId"/>, whose <see cref="TokenKind.Family"/> record is
/// stored under <see cref="TokenHash.ForFamily"/>. Revoking that one record revokes the whole lineage
/// (<see cref="FasterTokenStore.IsGrantFamilyActive"/> is the one check of it).
/// </summary>
internal static class GrantFamilies
{
    /// <summary>Starts a family: writes its record durably and returns its id.</summary>
    /// <param name="store">The token store.</param>
    /// <param name="clientId">The client the grant is for.</param>
    /// <param name="owner">The resource owner's username.</param>
    /// <param name="scopes">The scopes granted (mask over the generated scope table).</param>
    /// <param name="now">Issue time, Unix seconds.</param>
    /// <param name="cancellationToken">Stops waiting for durability.</param>
    public static async Task<FamilyId> StartAsync(FasterTokenStore store, string clientId, string owner, ulong scopes, long now, CancellationToken cancellationToken)
    {
        var family = FamilyId.New();
        var record = TokenRecord.Create(TokenKind.Family, clientId, owner, scopes, GatewayDefinition.ScopeSchemaId, now, TokenRecord.NeverExpires);
        record.FamilyId = family;
        await store.AddAsync(TokenHash.ForFamily(family), record, cancellationToken).ConfigureAwait(false);
        return family;
    }

    /// <summary>Revokes every token of the family with one durable write (code replay, refresh-token reuse).</summary>
    /// <returns>false when the family record is unknown.</returns>
    public static ValueTask<bool> RevokeAsync(FasterTokenStore store, FamilyId family, CancellationToken cancellationToken) =>
        store.RevokeAsync(TokenHash.ForFamily(family), cancellationToken);

    /// <summary>
    /// Whether <paramref name="refreshToken"/> is its family's one usable refresh token: the family records none yet
    /// (a grant from before it was kept), or records this one. A refresh token superseded by a later refresh of the
    /// same grant (a concurrent refresh within <c>OAuth:RefreshTokenReuseGrace</c>) is not.
    /// </summary>
    /// <param name="store">The token store.</param>
    /// <param name="key">The refresh token's key.</param>
    /// <param name="refreshToken">Its record.</param>
    public static bool IsCurrentRefreshToken(FasterTokenStore store, TokenHash key, in TokenRecord refreshToken) =>
        !refreshToken.HasFamily
        || !store.TryGet(TokenHash.ForFamily(refreshToken.FamilyId), out var family)
        || family.CurrentRefreshToken.Equals(default)
        || family.CurrentRefreshToken.Equals(key);
}
