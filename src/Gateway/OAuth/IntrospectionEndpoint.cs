using FastGateway.Hosting;
using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.Scopes;
using FastGateway.TokenStore;

namespace FastGateway.OAuth;

/// <summary>
/// The introspection endpoint, <c>POST /oauth2/introspect</c> (RFC 7662), also reachable as webMethods'
/// <c>/invoke/pub.oauth/introspectToken</c>.
/// </summary>
/// <remarks>
/// <code>
/// form body ──► HTTPS rule ──► client authentication (Basic | form) ──► confidential client? ── no ──► 401 invalid_client
///                                                                          │ yes
///                                                          introspection permission? ── no ──► 403 unauthorized_client
///                                                                          │ yes
///                                                                          ▼
///   token ──► TokenHash (SHA-256) ──► FasterTokenStore.TryGet ──► access or refresh token, Active, lineage, client and owner stand, not expired?
///                                                                  ├─ yes ──► {"active":true, scope (within the client's current scope), client_id, username, token_type, exp, iat, sub}
///                                                                  └─ no  ──► {"active":false}
/// </code>
/// <para>
/// <b>Who may introspect</b> (RFC 7662 section 2.1 requires authorization and leaves the policy to the
/// server): an authenticated <em>confidential</em> client with the introspection permission (client metadata
/// <c>introspection: true</c>, set through the admin API or <c>fastgateway-admin clients allow-introspection</c>;
/// OpenIddict's <c>ept:introspection</c> permission): a resource server or a Microgateway's client. It may
/// introspect any token, including other clients' (that is its job). Any other client is refused with 403
/// <c>unauthorized_client</c>, so an ordinary application cannot read another application's tokens, their
/// owners or their scopes. <em>Public</em> clients (client_id only, no secret) are refused with 401
/// <c>invalid_client</c> (section 2.3): a bare client_id authenticates nobody.
/// </para>
/// <para>
/// Unknown, malformed, expired, revoked and consumed tokens, tokens whose grant family is revoked or whose
/// client is deleted or suspended or whose owner is deleted, refresh tokens superseded by a later refresh of their grant,
/// authorization codes and family records all answer 200 <c>{"active":false}</c> (section 2.2).
/// <c>token_type_hint</c> is accepted and ignored: one lookup covers every kind of token.
/// Responses carry <c>Cache-Control: no-store</c>. Errors: 400 <c>invalid_request</c> (plain HTTP while
/// <c>OAuth:RequireHttps</c>, not a form, no <c>token</c>), 401 <c>invalid_client</c> with
/// <c>WWW-Authenticate: Basic</c> (section 2.3), 403 <c>unauthorized_client</c> (no introspection permission).
/// </para>
/// </remarks>
internal sealed partial class IntrospectionEndpoint(
    ClientAuthenticator authenticator,
    FasterTokenStore store,
    Validation.TokenStanding standing,
    ScopeCatalog scopes,
    TimeProvider time,
    ILogger<IntrospectionEndpoint> logger)
{
    /// <summary>Handles one introspection request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (await TokenParameterRequest.ReadAsync(context, authenticator) is not { } request)
        {
            Observability.OAuthMetrics.IntrospectionRequest(Observability.OAuthMetrics.ErrorFromStatus(context.Response.StatusCode));
            return;
        }

        if (!request.Client.IsConfidential)
        {
            Observability.OAuthMetrics.IntrospectionRequest(ErrorCodes.InvalidClient);
            await TokenEndpoint.WriteInvalidClientAsync(context, "introspection needs a confidential client's credentials (client_id and secret); public clients may not introspect");
            return;
        }

        if (!request.Client.Introspection)
        {
            Log.IntrospectionRefused(logger, request.Client.ClientId);
            Observability.OAuthMetrics.IntrospectionRequest(ErrorCodes.UnauthorizedClient);
            await ErrorResponse.WriteAsync(context, 403, ErrorCodes.UnauthorizedClient, "this client may not introspect tokens: an operator grants the permission with client metadata introspection: true (RFC 7662 section 2.1)");
            return;
        }

        var answer = Introspect(request.Token, out var tokenId);
        Observability.OAuthMetrics.IntrospectionRequest(answer.Active ? Observability.OAuthMetrics.Active : Observability.OAuthMetrics.Inactive);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Introspected(logger, tokenId, request.Client.ClientId, answer.Active);
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        await context.Response.WriteAsJsonAsync(answer, GatewayJsonContext.Default.IntrospectionResponse, contentType: "application/json; charset=utf-8");
    }

    /// <summary>Decides what to say about a token (RFC 7662 section 2.2).</summary>
    /// <param name="token">The token text as sent.</param>
    /// <param name="tokenId">A loggable id of the token (hash prefix), or "-" when it could not be hashed.</param>
    internal IntrospectionResponse Introspect(string token, out string tokenId)
    {
        tokenId = "-";
        if (!TokenHash.TryCompute(token, out var hash))
        {
            return IntrospectionResponse.Inactive;
        }

        tokenId = hash.ToTokenId();
        if (!store.TryGet(hash, out var record)
            || record.Kind is not (TokenKind.AccessToken or TokenKind.RefreshToken)
            || !record.IsActiveAt(time.GetUtcNow().ToUnixTimeSeconds())
            || !standing.IsActive(record, out var identity)
            || (record.Kind == TokenKind.RefreshToken && !GrantFamilies.IsCurrentRefreshToken(store, hash, record)))
        {
            return IntrospectionResponse.Inactive;
        }

        var clientId = record.ClientId;
        var owner = record.Owner;
        // The client's current scopes bound the token's: a narrowed client's tokens show the narrowed scope.
        return new IntrospectionResponse(
            Active: true,
            Scope: scopes.Format(scopes.ToCurrent(record.Scopes, record.ScopeSchemaId) & identity.Client.AllowedScopes),
            ClientId: clientId,
            Username: owner,
            TokenType: record.Kind == TokenKind.AccessToken ? "Bearer" : "refresh_token",
            Exp: record.ExpiresAt == TokenRecord.NeverExpires ? null : record.ExpiresAt,
            Iat: record.IssuedAt,
            Sub: owner ?? clientId);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.Introspected, Level = LogLevel.Debug, Message = "Client {ClientId} introspected token {TokenId}: active={Active}")]
        public static partial void Introspected(ILogger logger, string tokenId, string clientId, bool active);

        [LoggerMessage(EventId = EventIds.IntrospectionRefused, Level = LogLevel.Warning, Message = "Client {ClientId} tried to introspect a token without the introspection permission; refused")]
        public static partial void IntrospectionRefused(ILogger logger, string clientId);
    }
}
