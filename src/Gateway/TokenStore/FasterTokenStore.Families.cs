namespace FastGateway.TokenStore;

internal sealed partial class FasterTokenStore
{
    /// <summary>
    /// Whether a token's grant lineage is still active: true when the token has no family (client
    /// credentials), else when the lineage's <see cref="TokenKind.Family"/> record (stored under
    /// <see cref="TokenHash.ForFamily"/>) exists and is <see cref="TokenState.Active"/>. A code replay or a
    /// refresh-token reuse, and RFC 7009 revocation of a refresh token, revoke that one record, which
    /// invalidates every token of the lineage at once.
    /// </summary>
    /// <remarks>
    /// Called only through <c>Validation.TokenStanding.IsActive</c>, which adds the client and owner checks and
    /// is what the validation hot path, introspection and the grants use. One extra lookup when the token has a
    /// family; allocates nothing.
    /// </remarks>
    /// <param name="token">A token record read from this store.</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="FASTER.core.FasterException">FASTER failed the read (I/O error on the log).</exception>
    public bool IsGrantFamilyActive(in TokenRecord token) =>
        !token.HasFamily
        || (TryGet(TokenHash.ForFamily(token.FamilyId), out var family) && family.State == TokenState.Active);

    /// <summary>
    /// Records <paramref name="refreshToken"/> as its grant family's one usable refresh token
    /// (<see cref="TokenRecord.CurrentRefreshToken"/>), atomically (the last of concurrent calls wins), and completes once
    /// that is durable. A revoked family is left alone.
    /// </summary>
    /// <param name="family">The grant family.</param>
    /// <param name="refreshToken">The key of the refresh token just issued in it.</param>
    /// <param name="cancellationToken">Stops waiting; the change may still become durable.</param>
    /// <returns>false when the family record is unknown (nothing written).</returns>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the commit was confirmed.</exception>
    public async ValueTask<bool> SetCurrentRefreshTokenAsync(FamilyId family, TokenHash refreshToken, CancellationToken cancellationToken)
    {
        var (status, _) = await WriteDurablyAsync(new SetStateWrite(TokenHash.ForFamily(family), TokenUpdate.SetCurrentRefreshToken(refreshToken)), cancellationToken).ConfigureAwait(false);
        return status.Found;
    }
}
