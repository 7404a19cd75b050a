using System.Buffers;
using System.Diagnostics;
using FastGateway.Validation;
using FastGateway.Contracts;
using FastGateway.Errors;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Observability;
using FastGateway.Scopes;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FastGateway.Proxy;

/// <summary>
/// The gateway's front door for protected APIs: runs before endpoint routing, so requests under an
/// API's base path never touch it. Decides with <see cref="AccessValidator"/>, answers errors per
/// RFC 6750 section 3, and forwards allowed requests with <see cref="HttpForwarder"/>. Routes are matched on the
/// client's raw request-target (<see cref="RequestTarget"/>), after the API's path policy.
/// </summary>
/// <remarks>It runs first in the pipeline, ahead of the exception handler, so it answers its own unexpected failures.
/// Every request it answers under an API (forwarded or refused after its route matched) is observed
/// (<see cref="ProxyObserver"/>): metrics, span, <c>X-Request-Id</c>, access log.</remarks>
internal sealed partial class ProtectedApiMiddleware(AccessValidator validator, HttpForwarder forwarder, UpstreamTable upstreams, ScopeCatalog scopes, TimeProvider time, IOptions<ProxyOptions> options, ProxyObserver observer, ILogger<ProtectedApiMiddleware> logger)
{
    private const string Realm = "FastGateway";
    private readonly bool _onSocketThread = options.Value.InlineScheduling;

    /// <summary>Handles the request, or passes it on when it is under no API.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // The clock is read only when something records durations (metrics, spans, access log).
        var start = observer.IsObserving ? Stopwatch.GetTimestamp() : 0;
        var request = context.Request;
        // ConnectionFieldEncoding kept "close" from Kestrel (as "~close") so the options beside it survive: the gateway
        // closes the client connection after this response instead.
        if (request.Headers.Connection is { Count: > 0 } connection && ConnectionFieldEncoding.ListsClose(connection))
        {
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }

        // Routes are matched on the client's raw target, decoded here, not on Kestrel's Path: Kestrel decodes escapes
        // and resolves dot segments, so the path it matched would not be the path the upstream gets.
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        // A decoding buffer only for a target with escapes: stackalloc zeroes what it takes.
        char[]? rented = null;
        var scratch = !raw.Contains('%') ? default
            : raw.Length <= RequestTarget.StackPathChars ? stackalloc char[RequestTarget.StackPathChars]
            : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            var error = RequestTarget.TryParse(raw, scratch, out var target, out var matchPath, out var octets);
            if (error != TargetError.None)
            {
                // Under an API, refused; elsewhere, the gateway's own endpoints see Kestrel's path as usual.
                return error == TargetError.NoPath || GatewayDefinition.Match(HttpMethodKinds.Parse(request.Method), request.Path.Value).Status == RouteMatchStatus.NoApi
                    ? PassAsync(context, next)
                    : Refuse(context, TargetErrorDescription(error));
            }

            return Decide(context, next, target, matchPath, octets, start);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private Task Decide(HttpContext context, RequestDelegate next, in RequestTarget target, ReadOnlySpan<char> matchPath, PathOctets octets, long start)
    {
        var request = context.Request;
        AccessDecision decision;
        RouteMatch route;
        TokenIdentity identity;
        ulong granted;
        try
        {
            decision = validator.Validate(HttpMethodKinds.Parse(request.Method), matchPath, request.Headers.Authorization, out route, out identity, out granted);
        }
        catch (Exception e)
        {
            Log.ValidationFailed(logger, e);
            return ErrorResponse.WriteAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log");
        }

        if (decision == AccessDecision.NoApi)
        {
            // Matched as received, a risky path may miss every API and yet be one to an upstream that decodes it.
            return octets != PathOctets.None && RejectedUnderAnApi(context, target, octets) is { } refused
                ? Refuse(context, PathOctetsDescription(refused))
                : PassAsync(context, next);
        }

        // The API's path policy, before anything else: a refused path is refused whatever the token.
        if ((octets & upstreams[route.ApiIndex].RejectedPathOctets) is var rejected and not PathOctets.None)
        {
            return Refuse(context, PathOctetsDescription(rejected));
        }

        var observed = observer.Begin(context, start, route, target, identity);
        CountValidation(decision, route.ApiIndex);
        if (decision == AccessDecision.Allowed)
        {
            return ForwardAsync(context, target, route, new ForwardedIdentity(identity.ClientId, identity.Owner, scopes.Format(granted)), observed);
        }

        var refusal = decision switch
        {
            AccessDecision.NoResource => ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound,
                $"no resource of API '{GatewayDefinition.Apis[route.ApiIndex].DisplayName}' matches {request.Method} {target.Path}"),
            AccessDecision.MissingToken => Challenge(context, 401, null, "an access token is required: send it as Authorization: Bearer followed by the token"),
            AccessDecision.MalformedRequest => Challenge(context, 400, ErrorCodes.InvalidRequest, "send exactly one Authorization header"),
            AccessDecision.ExpiredToken => Challenge(context, 401, ErrorCodes.InvalidToken, "the access token expired"),
            AccessDecision.RevokedToken => Challenge(context, 401, ErrorCodes.InvalidToken, "the access token was revoked"),
            AccessDecision.InsufficientScope => InsufficientScope(context, route),
            AccessDecision.RateLimited => RateLimited(context, identity.Client),
            _ => Challenge(context, 401, ErrorCodes.InvalidToken, "the access token is not valid"),
        };
        return Observed(refusal, context, observed);
    }

    // A refusal's error body is usually written synchronously: then it is observed without an async state machine.
    private Task Observed(Task written, HttpContext context, ProxiedRequest observed)
    {
        if (written.IsCompletedSuccessfully)
        {
            observer.Complete(context, observed);
            return written;
        }

        return ObservedAsync(written, context, observed);
    }

    private async Task ObservedAsync(Task written, HttpContext context, ProxiedRequest observed)
    {
        try
        {
            await written.ConfigureAwait(false);
        }
        finally
        {
            observer.Complete(context, observed);
        }
    }

    private static void CountValidation(AccessDecision decision, int apiIndex)
    {
        var outcome = decision switch
        {
            AccessDecision.Allowed => ProxyMetrics.Outcome.Allowed,
            AccessDecision.MissingToken => ProxyMetrics.Outcome.MissingToken,
            AccessDecision.MalformedRequest => ProxyMetrics.Outcome.MalformedRequest,
            AccessDecision.InvalidToken => ProxyMetrics.Outcome.InvalidToken,
            AccessDecision.ExpiredToken => ProxyMetrics.Outcome.Expired,
            AccessDecision.RevokedToken => ProxyMetrics.Outcome.Revoked,
            AccessDecision.InsufficientScope => ProxyMetrics.Outcome.InsufficientScope,
            AccessDecision.RateLimited => ProxyMetrics.Outcome.RateLimited,
            _ => null, // NoResource: 404 before any token is read
        };
        if (outcome is not null)
        {
            ProxyMetrics.CountValidation(outcome, GatewayDefinition.Apis[apiIndex].Name);
        }
    }

    // Cold: a path with risky octets that matched no API. Is it under an API once decoded fully, or as Kestrel reads it
    // (dot segments resolved)? Then that API's policy decides.
    private PathOctets? RejectedUnderAnApi(HttpContext context, in RequestTarget target, PathOctets octets)
    {
        var method = HttpMethodKinds.Parse(context.Request.Method);
        var decoded = new char[target.Path.Length];
        var length = target.DecodeFully(decoded);
        var route = length < 0 ? default : GatewayDefinition.Match(method, decoded.AsSpan(0, length));
        if (length < 0 || route.Status == RouteMatchStatus.NoApi)
        {
            route = GatewayDefinition.Match(method, context.Request.Path.Value);
        }

        return route.Status != RouteMatchStatus.NoApi && (octets & upstreams[route.ApiIndex].RejectedPathOctets) is var rejected and not PathOctets.None
            ? rejected
            : null;
    }

    private Task PassAsync(HttpContext context, RequestDelegate next) => _onSocketThread ? OnThreadPoolAsync(context, next) : next(context);

    private Task Refuse(HttpContext context, string description)
    {
        Log.RequestRefused(logger, description);
        return ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, description);
    }

    private static string TargetErrorDescription(TargetError error) => error switch
    {
        TargetError.InvalidCharacter => "the request path holds a character outside RFC 3986's path grammar (section 3.3): percent-encode it",
        TargetError.InvalidEscape => "the request path holds a malformed percent-escape, or escapes that do not decode to UTF-8",
        TargetError.NulOctet => "the request path holds %00",
        TargetError.DotSegment => "the request path holds a dot segment (/./ or /../): resolve it before sending (RFC 3986 section 5.2.4)",
        TargetError.InvalidQuery => "the query holds a space, a control or non-ASCII character, or '#': percent-encode it",
        _ => "the request-target is not valid",
    };

    private static string PathOctetsDescription(PathOctets rejected) =>
        (rejected & PathOctets.EscapedSlashes) != 0 ? "the request path holds an escaped slash (%2F or %5C), which this API's path policy refuses"
        : (rejected & PathOctets.EncodedDotSegments) != 0 ? "the request path holds an encoded dot segment (such as %2e%2e), which this API's path policy refuses"
        : (rejected & PathOctets.DoubleEncoding) != 0 ? "the request path holds a double-encoded escape (%25 followed by two hex digits), which this API's path policy refuses"
        : (rejected & PathOctets.EncodedControlCharacters) != 0 ? "the request path holds an encoded control character, which this API's path policy refuses"
        : "the request path holds an empty segment (//), which this API's path policy refuses";

    // With ProxyOptions.InlineScheduling this runs on a socket thread, which must not hash passwords or wait for
    // durable writes while other connections' I/O waits behind it.
    private static async Task OnThreadPoolAsync(HttpContext context, RequestDelegate next)
    {
        await Task.Yield();
        await next(context).ConfigureAwait(false);
    }

    private Task ForwardAsync(HttpContext context, RequestTarget target, RouteMatch route, ForwardedIdentity identity, ProxiedRequest observed)
    {
        var api = GatewayDefinition.Apis[route.ApiIndex];
        return forwarder.ForwardAsync(context, upstreams[route.ApiIndex], target, target.RawPathIndex(route.BasePathLength), api.Name, api.BasePath, identity, observed);
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

    // Cold: the client's quota is used up. Retry-After (RFC 9110 section 10.2.3) in whole seconds until its next request
    // would be allowed (RFC 6585 section 4: 429 Too Many Requests).
    private Task RateLimited(HttpContext context, Clients.OAuthClient client)
    {
        var quota = client.Quota!;
        var retryAfter = quota.RetryAfterSeconds(ClientQuota.Now(time));
        ProxyMetrics.CountQuotaRejection(observer.ClientIds.Label(client.ClientId));
        Log.RateLimited(logger, client.ClientId, quota.Requests, quota.WindowSeconds);
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ErrorResponse.WriteAsync(context, 429, ErrorCodes.RateLimitExceeded,
            $"client '{client.ClientId}' is over its rate limit of {quota.Requests} requests per {quota.WindowSeconds} s; retry after {retryAfter} s");
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

        [LoggerMessage(EventId = EventIds.RequestRefused, Level = LogLevel.Debug, Message = "Refused a protected-API request before forwarding: {Reason}")]
        public static partial void RequestRefused(ILogger logger, string reason);

        [LoggerMessage(EventId = EventIds.RateLimited, Level = LogLevel.Debug, Message = "Client {ClientId} is over its rate limit of {Requests} requests per {WindowSeconds} s: answered 429")]
        public static partial void RateLimited(ILogger logger, string clientId, int requests, int windowSeconds);
    }
}
