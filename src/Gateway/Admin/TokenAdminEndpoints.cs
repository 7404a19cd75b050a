using FastGateway.Audit;
using FastGateway.Contracts.Admin;
using System.Globalization;
using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.TokenLifecycle;
using FastGateway.TokenStore;

namespace FastGateway.Admin;

/// <summary>
/// The admin API's token operations: list (<c>GET /admin/v1/tokens</c>), revoke one
/// (<c>DELETE /admin/v1/tokens/{token_id}</c>), bulk revoke (<c>POST /admin/v1/tokens/revoke</c>) and expired
/// removal (<c>POST /admin/v1/tokens/remove-expired</c>, alias <c>/invoke/pub.oauth/removeExpiredAccessTokens</c>).
/// </summary>
/// <remarks>
/// <para>
/// Paging is in <c>token_id</c> order (the store key, which never changes): each page is one scan of the log that
/// keeps the <c>limit</c> smallest keys above the cursor (the last token_id of the previous page). A token is
/// therefore listed exactly once across pages however the log moves meanwhile (revocation appends a new version,
/// compaction copies records); tokens issued during paging appear if their id sorts after the cursor. Each page
/// costs a scan of the store, which is fine for an operator's tool.
/// </para>
/// <para>
/// Revocation writes through <see cref="FasterTokenStore.RevokeAsync(TokenHash, CancellationToken)"/> and
/// <see cref="FasterTokenStore.RevokeManyAsync"/>: durable before the answer, and the next proxied request with a
/// revoked token gets 401. Refresh tokens take their grant family with them, so tokens refreshed from them die too.
/// </para>
/// </remarks>
internal sealed class TokenAdminEndpoints(FasterTokenStore store, ScopeCatalog scopes, ExpiredTokenRemover remover, TimeProvider time, AuditLog audit)
{
    /// <summary>Default page size.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Largest accepted JSON body, in bytes.</summary>
    public const long MaxBodyBytes = 4 * 1024;

    /// <summary><c>GET /admin/v1/tokens?client_id=&amp;owner=&amp;status=&amp;limit=&amp;cursor=</c>.</summary>
    public async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var clientId = query["client_id"].ToString();
        var owner = query["owner"].ToString();
        var status = query["status"].ToString();
        if (status.Length > 0 && status is not ("active" or "expired" or "revoked" or "consumed"))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "status must be active, expired, revoked or consumed");
            return;
        }

        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, $"limit must be 1 to {MaxLimit}");
            return;
        }

        var hasCursor = false;
        var cursor = default(TokenHash);
        if (query["cursor"].ToString() is { Length: > 0 } cursorText)
        {
            if (!TokenHash.TryParseKeyId(cursorText, out cursor))
            {
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "cursor is not a next_cursor this API returned");
                return;
            }

            hasCursor = true;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        // limit + 1 smallest matching keys above the cursor: the extra one says whether there is a next page.
        var page = new SortedDictionary<TokenHash, (TokenRecord Record, string Status)>();
        await store.ScanAsync((in TokenHash key, in TokenRecord scanned, long _) =>
        {
            // Kind, client and owner never change between versions of a record: filter on the scanned one.
            if (scanned.Kind is not (TokenKind.AccessToken or TokenKind.RefreshToken)
                || (hasCursor && key.CompareTo(cursor) <= 0)
                || (page.Count > limit && key.CompareTo(page.Keys.Last()) >= 0)
                || (clientId.Length > 0 && !string.Equals(scanned.ClientId, clientId, StringComparison.Ordinal))
                || (owner.Length > 0 && !string.Equals(scanned.Owner, owner, StringComparison.Ordinal))
                || page.ContainsKey(key)
                || !store.TryGet(key, out var latest))
            {
                return true;
            }

            var state = StatusOf(latest, now);
            if (status.Length > 0 && state != status)
            {
                return true;
            }

            page.Add(key, (latest, state));
            if (page.Count > limit + 1)
            {
                page.Remove(page.Keys.Last());
            }

            return true;
        }, context.RequestAborted);

        var tokens = new List<TokenInfo>(Math.Min(page.Count, limit));
        foreach (var (key, (record, state)) in page)
        {
            if (tokens.Count == limit)
            {
                break;
            }

            tokens.Add(new TokenInfo(
                key.ToKeyId(),
                record.Kind == TokenKind.AccessToken ? "access_token" : "refresh_token",
                record.ClientId,
                record.Owner,
                scopes.Format(scopes.ToCurrent(record.Scopes, record.ScopeSchemaId)),
                state,
                record.IssuedAt,
                record.ExpiresAt == TokenRecord.NeverExpires ? null : record.ExpiresAt));
        }

        var next = page.Count > limit ? tokens[^1].TokenId : null;
        await context.Response.WriteAsJsonAsync(new TokenListResponse(tokens, next), GatewayJsonContext.Default.TokenListResponse);
    }

    /// <summary><c>DELETE /admin/v1/tokens/{token_id}</c>: 204, or 404 when no access or refresh token has that id.</summary>
    public async Task DeleteAsync(HttpContext context)
    {
        var tokenId = context.Request.RouteValues["token_id"] as string ?? "";
        if (!TokenHash.TryParseKeyId(tokenId, out var key) || await RevokeOneAsync(key) is null)
        {
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no access or refresh token with token_id '{tokenId}'");
            return;
        }

        audit.TokenRevoked("admin", null, null, key.ToTokenId(), "revoked by token_id");
        context.Response.StatusCode = 204;
    }

    /// <summary><c>POST /admin/v1/tokens/revoke</c> with exactly one of <c>token</c>, <c>client_id</c>, <c>owner</c>.</summary>
    public async Task RevokeAsync(HttpContext context)
    {
        var request = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.TokenRevokeRequest, MaxBodyBytes);
        if (request is null)
        {
            return;
        }

        var given = (string.IsNullOrEmpty(request.Token) ? 0 : 1) + (string.IsNullOrEmpty(request.ClientId) ? 0 : 1) + (string.IsNullOrEmpty(request.Owner) ? 0 : 1);
        if (given != 1)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "send exactly one of token, client_id, owner");
            return;
        }

        int revoked;
        if (request.Token is { Length: > 0 } token)
        {
            revoked = TokenHash.TryCompute(token, out var key) && await RevokeOneAsync(key) is { } wasUsable && wasUsable ? 1 : 0;
            audit.TokenRevoked("admin", null, null, null, $"{revoked} revoked by token value");
        }
        else if (request.ClientId is { Length: > 0 } clientId)
        {
            revoked = await RevokeAllAsync(clientId, owner: null, context.RequestAborted);
            audit.TokenRevoked("admin", clientId, null, null, $"{revoked} revoked: every token of the client");
        }
        else
        {
            revoked = await RevokeAllAsync(clientId: null, request.Owner, context.RequestAborted);
            audit.TokenRevoked("admin", null, request.Owner, null, $"{revoked} revoked: every token of the owner (log out everywhere)");
        }

        await context.Response.WriteAsJsonAsync(new TokenRevokeResponse(revoked), GatewayJsonContext.Default.TokenRevokeResponse);
    }

    /// <summary><c>POST /admin/v1/tokens/remove-expired</c> (and the webMethods alias).</summary>
    public async Task RemoveExpiredAsync(HttpContext context)
    {
        var removed = await remover.RemoveExpiredAsync(context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new TokenRemoveResponse(removed), GatewayJsonContext.Default.TokenRemoveResponse);
    }

    /// <summary>The status the admin API shows for a token's latest record.</summary>
    internal string StatusOf(in TokenRecord record, long now) =>
        record.State == TokenState.Revoked || !store.IsGrantFamilyActive(record) ? "revoked"
        : now >= record.ExpiresAt ? "expired"
        : record.State == TokenState.Consumed ? "consumed"
        : "active";

    /// <summary>Revokes one access or refresh token (and a refresh token's grant family).</summary>
    /// <returns>null when there is no such token; else whether it was still usable (not revoked, not expired).</returns>
    private async Task<bool?> RevokeOneAsync(TokenHash key)
    {
        if (!store.TryGet(key, out var record) || record.Kind is not (TokenKind.AccessToken or TokenKind.RefreshToken))
        {
            return null;
        }

        var wasUsable = StatusOf(record, time.GetUtcNow().ToUnixTimeSeconds()) is "active" or "consumed";
        // Not cancellable: an operator hanging up must not leave a revocation half done.
        await store.RevokeAsync(key, CancellationToken.None);
        if (record.Kind == TokenKind.RefreshToken && record.HasFamily)
        {
            await GrantFamilies.RevokeAsync(store, record.FamilyId, CancellationToken.None);
        }

        return wasUsable;
    }

    /// <summary>
    /// Revokes every access and refresh token, authorization code and grant family of a client or an owner. Revoking
    /// the families too means a refresh or code redemption racing with this call cannot hand out a working token.
    /// </summary>
    /// <returns>How many access and refresh tokens were usable and are now revoked.</returns>
    private async Task<int> RevokeAllAsync(string? clientId, string? owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var keys = new HashSet<TokenHash>();
        var families = new HashSet<FamilyId>();
        var usable = 0;
        await store.ScanAsync((in TokenHash key, in TokenRecord scanned, long _) =>
        {
            if ((clientId is not null && !string.Equals(scanned.ClientId, clientId, StringComparison.Ordinal))
                || (owner is not null && !string.Equals(scanned.Owner, owner, StringComparison.Ordinal))
                || keys.Contains(key)
                || !store.TryGet(key, out var latest))
            {
                return true;
            }

            if (latest.HasFamily)
            {
                families.Add(latest.FamilyId);
            }

            if (latest.Kind is TokenKind.AccessToken or TokenKind.RefreshToken && StatusOf(latest, now) is "active" or "consumed")
            {
                usable++;
            }

            if (latest.State != TokenState.Revoked && now < latest.ExpiresAt)
            {
                keys.Add(key);
            }

            return true;
        }, cancellationToken);

        foreach (var family in families)
        {
            keys.Add(TokenHash.ForFamily(family));
        }

        await store.RevokeManyAsync([.. keys], CancellationToken.None);
        return usable;
    }
}
