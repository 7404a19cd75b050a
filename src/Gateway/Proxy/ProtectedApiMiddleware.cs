using FastGateway.Authorization;
using FastGateway.Contracts;
using FastGateway.Errors;
using FastGateway.Generated;
using FastGateway.Scopes;

namespace FastGateway.Proxy;

/// <summary>
/// The gateway's front door for protected APIs: runs before endpoint routing, so requests under an
/// API's base path never touch it. Decides with <see cref="AccessValidator"/>, answers errors per
/// RFC 6750 section 3, and forwards allowed requests with <see cref="HttpForwarder"/>.
/// </summary>
internal sealed class ProtectedApiMiddleware(AccessValidator validator, HttpForwarder forwarder, UpstreamTable upstreams, ScopeCatalog scopes)
{
    private const string Realm = "FastGateway";

    /// <summary>Handles the request, or passes it on when it is under no API.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var decision = validator.Validate(HttpMethodKinds.Parse(request.Method), path, request.Headers.Authorization, out var route, out var identity, out var granted);
        return decision switch
        {
            AccessDecision.NoApi => next(context),
            AccessDecision.Allowed => ForwardAsync(context, path, route, new ForwardedIdentity(identity.ClientId, identity.Owner, scopes.Format(granted))),
            AccessDecision.NoResource => ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound,
                $"no resource of API '{GatewayDefinition.Apis[route.ApiIndex].DisplayName}' matches {request.Method} {path}"),
            AccessDecision.MissingToken => Challenge(context, 401, null, "an access token is required: send it as Authorization: Bearer followed by the token"),
            AccessDecision.MalformedRequest => Challenge(context, 400, ErrorCodes.InvalidRequest, "send exactly one Authorization header"),
            AccessDecision.ExpiredToken => Challenge(context, 401, ErrorCodes.InvalidToken, "the access token expired"),
            AccessDecision.RevokedToken => Challenge(context, 401, ErrorCodes.InvalidToken, "the access token was revoked"),
            AccessDecision.InsufficientScope => InsufficientScope(context, route),
            _ => Challenge(context, 401, ErrorCodes.InvalidToken, "the access token is not valid"),
        };
    }

    private Task ForwardAsync(HttpContext context, string path, RouteMatch route, ForwardedIdentity identity)
    {
        var api = GatewayDefinition.Apis[route.ApiIndex];
        return forwarder.ForwardAsync(context, upstreams[route.ApiIndex], path, route.BasePathLength, api.Name, api.BasePath, identity);
    }

    private Task InsufficientScope(HttpContext context, RouteMatch route)
    {
        var needed = scopes.Format(route.RequiredScopes);
        var description = needed.Length == 0
            ? "no scope grants access to this resource"
            : $"this resource needs one of these scopes: {needed}";
        context.Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"{Realm}\", error=\"{ErrorCodes.InsufficientScope}\", error_description=\"{description}\", scope=\"{needed}\"";
        return ErrorResponse.WriteAsync(context, 403, ErrorCodes.InsufficientScope, description, needed);
    }

    private static Task Challenge(HttpContext context, int status, string? error, string description)
    {
        // RFC 6750 section 3.1: a request without credentials gets a bare challenge, no error code.
        context.Response.Headers.WWWAuthenticate = error is null
            ? $"Bearer realm=\"{Realm}\""
            : $"Bearer realm=\"{Realm}\", error=\"{error}\", error_description=\"{description}\"";
        return ErrorResponse.WriteAsync(context, status, error ?? ErrorCodes.MissingToken, description);
    }
}
