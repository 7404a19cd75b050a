using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.TokenStore;

namespace FastGateway.OAuth;

/// <summary>
/// The revocation endpoint, <c>POST /oauth2/revoke</c> (RFC 7009), also reachable as webMethods'
/// <c>/invoke/pub.oauth/revokeToken</c>.
/// </summary>
/// <remarks>
/// <code>
/// form body ──► HTTPS rule ──► client authentication (Basic | form | public client_id) ──► token ──► TokenHash ──► TryGet
///    unknown, or not an access or refresh token ──► 200 (nothing written)
///    issued to another client ──► 400 unauthorized_client (nothing written)
///    refresh token with a grant family ──► revoke the family record (every token of the lineage fails at once)
///    otherwise (access token; refresh token without family) ──► revoke that token alone
///                                              └─► durable in FASTER ──► 200, empty body
/// </code>
/// <para>
/// RFC 7009 section 2.1: a client may revoke only tokens issued to it; for another client's token "the
/// authorization server ... refuses the request and informs the client that an error occurred": 400
/// <c>unauthorized_client</c> (section 2.2.1), the token left untouched. Public clients (client_id only) may
/// revoke their own tokens. Section 2.2: unknown tokens are 200. Revoking an access token leaves the refresh token of its grant alone (section 2.1 makes that
/// optional); revoking a refresh token revokes the whole grant, its access tokens included (section 2.1,
/// SHOULD).
/// </para>
/// <para>
/// The 200 is sent only once the revocation is durable, and the validation path reads the same store, so
/// the very next proxied request with a revoked token fails with 401 <c>invalid_token</c> on this node.
/// <c>token_type_hint</c> is accepted and ignored (one lookup finds every kind), so
/// <c>unsupported_token_type</c> is never answered. Errors: 400 <c>invalid_request</c> (plain HTTP while
/// <c>OAuth:RequireHttps</c>, not a form, no <c>token</c>), 400 <c>unauthorized_client</c> (another client's
/// token), 401 <c>invalid_client</c> with <c>WWW-Authenticate: Basic</c> (section 2.2.1).
/// </para>
/// </remarks>
internal sealed partial class RevocationEndpoint(
    ClientAuthenticator authenticator,
    FasterTokenStore store,
    Audit.AuditLog audit,
    ILogger<RevocationEndpoint> logger)
{
    /// <summary>Handles one revocation request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (await TokenParameterRequest.ReadAsync(context, authenticator) is not { } request)
        {
            Observability.OAuthMetrics.RevocationRequest(Observability.OAuthMetrics.ErrorFromStatus(context.Response.StatusCode));
            return;
        }

        if (await RevokeAsync(request.Token, request.Client.ClientId, context.RequestAborted) == RevocationOutcome.OtherClient)
        {
            Observability.OAuthMetrics.RevocationRequest(ErrorCodes.UnauthorizedClient);
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.UnauthorizedClient, "this token was not issued to this client; a client may revoke only its own tokens (RFC 7009 section 2.1)");
            return;
        }

        Observability.OAuthMetrics.RevocationRequest(Observability.OAuthMetrics.Revoked);
        context.Response.StatusCode = 200;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        context.Response.ContentLength = 0;
    }

    /// <summary>Revokes <paramref name="token"/> if it is an access or refresh token issued to <paramref name="clientId"/>.</summary>
    /// <returns>What was done, for logs and tests.</returns>
    internal async Task<RevocationOutcome> RevokeAsync(string token, string clientId, CancellationToken cancellationToken)
    {
        if (!TokenHash.TryCompute(token, out var hash)
            || !store.TryGet(hash, out var record)
            || record.Kind is not (TokenKind.AccessToken or TokenKind.RefreshToken))
        {
            return RevocationOutcome.Unknown;
        }

        var tokenId = hash.ToTokenId();
        if (!string.Equals(record.ClientId, clientId, StringComparison.Ordinal))
        {
            Log.NotOwner(logger, tokenId, clientId);
            return RevocationOutcome.OtherClient;
        }

        if (record.Kind == TokenKind.RefreshToken && record.HasFamily)
        {
            await GrantFamilies.RevokeAsync(store, record.FamilyId, cancellationToken).ConfigureAwait(false);
            audit.TokenRevoked(clientId, clientId, record.Owner, tokenId, "refresh token and its grant");
            return RevocationOutcome.FamilyRevoked;
        }

        await store.RevokeAsync(hash, cancellationToken).ConfigureAwait(false);
        audit.TokenRevoked(clientId, clientId, record.Owner, tokenId, record.Kind == TokenKind.AccessToken ? "access token" : "refresh token");
        return RevocationOutcome.TokenRevoked;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RevokeNotOwner, Level = LogLevel.Warning, Message = "Client {ClientId} tried to revoke token {TokenId} issued to another client; refused, left untouched")]
        public static partial void NotOwner(ILogger logger, string tokenId, string clientId);
    }
}
