using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Validation;

/// <summary>What the validation path decided for a request.</summary>
internal enum AccessDecision : byte
{
    /// <summary>The path is under no API: not ours to answer.</summary>
    NoApi,
    /// <summary>Under an API's base path, but no resource matches: 404.</summary>
    NoResource,
    /// <summary>No bearer token: 401 with a bare challenge.</summary>
    MissingToken,
    /// <summary>More than one Authorization header: 400 <c>invalid_request</c>.</summary>
    MalformedRequest,
    /// <summary>Malformed or unknown token: 401 <c>invalid_token</c>.</summary>
    InvalidToken,
    /// <summary>Expired token: 401 <c>invalid_token</c>.</summary>
    ExpiredToken,
    /// <summary>Revoked token: 401 <c>invalid_token</c>.</summary>
    RevokedToken,
    /// <summary>Valid token without a scope that maps to the resource: 403 <c>insufficient_scope</c>.</summary>
    InsufficientScope,
    /// <summary>Allowed, but the client's quota (<c>rate_limit</c>) is used up: 429 with <c>Retry-After</c>, nothing forwarded.</summary>
    RateLimited,
    /// <summary>Forward it.</summary>
    Allowed,
}

/// <summary>
/// The validation hot path of a protected request: route match in the generated tables, bearer
/// parse, token hash and FASTER lookup, expiry and scope check, the client's quota. Allocates nothing.
/// </summary>
/// <remarks>
/// <code>
/// method + path ──► GatewayDefinition.Match ──► Authorization ──► BearerToken.TryParse
///        ──► TokenHash (SHA-256) ──► FasterTokenStore.TryGet ──► active? (TokenStanding: client, owner, grant family)
///        ──► token scopes ∩ client's current scopes ∩ required ≠ 0 ──► client's quota (ClientQuota, if rate_limit is set)
/// </code>
/// The route is matched first so an unknown route is 404 whatever the token. The token's scopes are cut to the
/// client's current ones, so narrowing a client's <c>scope</c> reaches its live tokens at once. Only requests that
/// would be forwarded take from the quota: a refused one (401, 403) costs the client nothing.
/// </remarks>
internal sealed class AccessValidator(FasterTokenStore store, TokenStanding standing, ScopeCatalog scopes, TimeProvider time)
{
    /// <summary>Decides a request.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="path">The request path (no query), as Kestrel normalized it.</param>
    /// <param name="authorization">The Authorization header values.</param>
    /// <param name="route">The route match (valid from <see cref="AccessDecision.NoResource"/> on).</param>
    /// <param name="identity">The token's client and owner (valid from <see cref="AccessDecision.ExpiredToken"/> on).</param>
    /// <param name="granted">The token's scopes in current table bits, within the client's current scopes (valid for InsufficientScope, RateLimited and Allowed).</param>
    public AccessDecision Validate(HttpMethodKind method, ReadOnlySpan<char> path, StringValues authorization, out RouteMatch route, out TokenIdentity identity, out ulong granted)
    {
        identity = default;
        granted = 0;
        route = GatewayDefinition.Match(method, path);
        if (route.Status != RouteMatchStatus.Matched)
        {
            return route.Status == RouteMatchStatus.NoApi ? AccessDecision.NoApi : AccessDecision.NoResource;
        }

        if (authorization.Count == 0)
        {
            return AccessDecision.MissingToken;
        }

        if (authorization.Count > 1)
        {
            return AccessDecision.MalformedRequest;
        }

        switch (BearerToken.TryParse(authorization[0], out var value))
        {
            case BearerParseStatus.NotBearer:
                return AccessDecision.MissingToken;
            case BearerParseStatus.Malformed:
                return AccessDecision.InvalidToken;
        }

        if (!TokenHash.TryCompute(value, out var hash) || !store.TryGet(hash, out var token) || token.Kind != TokenKind.AccessToken)
        {
            return AccessDecision.InvalidToken;
        }

        // A token from a revoked grant lineage (code replay, refresh-token reuse), or whose client was deleted or
        // suspended or whose owner was deleted, is revoked too: registry lookups and one extra FASTER read, no allocation.
        if (token.State != TokenState.Active || !standing.IsActive(token, out identity))
        {
            return AccessDecision.RevokedToken;
        }

        if (time.GetUtcNow().ToUnixTimeSeconds() >= token.ExpiresAt)
        {
            return AccessDecision.ExpiredToken;
        }

        var client = identity.Client;
        granted = scopes.ToCurrent(token.Scopes, token.ScopeSchemaId) & client.AllowedScopes;
        if ((granted & route.RequiredScopes) == 0)
        {
            return AccessDecision.InsufficientScope;
        }

        // The quota lives on the registry's client entry found above: no second lookup, one CAS (ClientQuota).
        return client.Quota is { } quota && !quota.TryAcquire(ClientQuota.Now(time)) ? AccessDecision.RateLimited : AccessDecision.Allowed;
    }
}
