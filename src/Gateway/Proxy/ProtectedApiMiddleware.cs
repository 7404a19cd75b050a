using FastGateway.Authorization;
using FastGateway.Contracts;
using FastGateway.Errors;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Scopes;
using Microsoft.Extensions.Options;

namespace FastGateway.Proxy;

/// <summary>
/// The gateway's front door for protected APIs: runs before endpoint routing, so requests under an
/// API's base path never touch it. Decides with <see cref="AccessValidator"/>, answers errors per
/// RFC 6750 section 3, and forwards allowed requests with <see cref="HttpForwarder"/>.
/// </summary>
/// <remarks>It runs first in the pipeline, ahead of the exception handler, so it answers its own unexpected failures.</remarks>
internal sealed partial class ProtectedApiMiddleware(AccessValidator validator, HttpForwarder forwarder, UpstreamTable upstreams, ScopeCatalog scopes, IOptions<ProxyOptions> options, ILogger<ProtectedApiMiddleware> logger)
{
    private const string Realm = "FastGateway";
    private readonly bool _onSocketThread = options.Value.InlineScheduling;

    /// <summary>Handles the request, or passes it on when it is under no API.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        AccessDecision decision;
        RouteMatch route;
        TokenIdentity identity;
        ulong granted;
        try
        {
            decision = validator.Validate(HttpMethodKinds.Parse(request.Method), path, request.Headers.Authorization, out route, out identity, out granted);
        }
        catch (Exception e)
        {
            Log.ValidationFailed(logger, e);
            return ErrorResponse.WriteAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log");
        }

        return decision switch
        {
            AccessDecision.NoApi => _onSocketThread ? OnThreadPoolAsync(context, next) : next(context),
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

    // With ProxyOptions.InlineScheduling this runs on a socket thread, which must not hash passwords or wait for
    // durable writes while other connections' I/O waits behind it.
    private static async Task OnThreadPoolAsync(HttpContext context, RequestDelegate next)
    {
        await Task.Yield();
        await next(context).ConfigureAwait(false);
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

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ProxyFailed, Level = LogLevel.Error, Message = "Checking a protected-API request failed unexpectedly")]
        public static partial void ValidationFailed(ILogger logger, Exception exception);
    }
}
