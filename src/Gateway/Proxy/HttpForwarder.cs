using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Observability;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FastGateway.Proxy;

/// <summary>The identity the gateway vouches for, sent upstream as headers.</summary>
/// <param name="ClientId">Sent as <c>X-Client-Id</c>.</param>
/// <param name="Owner">Sent as <c>X-Owner</c> when not null.</param>
/// <param name="Scope">Granted scopes, space-separated; sent as <c>X-Scope</c>.</param>
internal readonly record struct ForwardedIdentity(string ClientId, string? Owner, string Scope);

/// <summary>
/// Forwards a request to an upstream over HTTP/1.1 on a pooled keep-alive connection and streams the response
/// back: both bodies streamed, never buffered whole.
/// </summary>
/// <remarks>
/// <code>
/// client ──► Kestrel ──► Http1Request: method and every field line checked as written (400 when malformed, nothing
///            sent), request line from the raw target + fields (minus RequestFieldPolicy's) + X-Client-Id /
///            X-Owner / X-Scope + X-Forwarded-* + one framing field of the gateway's, body re-framed
///        ──► UpstreamConnectionPool (socket, TLS for https, UpstreamWriter/UpstreamReader) ──► upstream
/// client ◄── Http1Response: status + fields (minus hop-by-hop) ◄── body decoded and copied as it arrives
/// </code>
/// The invariants are in <c>src/Gateway/Proxy/README.md</c>. Failures before the response starts become 502
/// (unreachable, broken) or 504 (no response head within <c>Proxy:Timeout</c>); the client's own failures become 413
/// (body over the limit), 400 (broken body framing) or nothing (the client went away), logged as the client's. After
/// the response starts the client connection is aborted, since the status is already sent. An idle connection is
/// checked for unread bytes or a close before every reuse; one the upstream closed as it was reused (the keep-alive
/// race, RFC 9112 section 9.3.1) is retried once on a new connection only for an idempotent method whose body was not
/// sent (RFC 9110 section 9.2.2).
/// </remarks>
internal sealed partial class HttpForwarder(IOptions<ProxyOptions> options, ProxyObserver observer, ILogger<HttpForwarder> logger)
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.Timeout);
    private readonly long _timeoutMs = Math.Max(1L, (long)TimeSpan.FromSeconds(options.Value.Timeout).TotalMilliseconds);
    private readonly RequestFieldPolicy _fields = RequestFieldPolicy.FromOptions(options.Value);

    /// <summary>Forwards the current request to <paramref name="upstream"/> and writes its response.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="upstream">The API's upstream.</param>
    /// <param name="target">The client's raw request-target, checked by the API's path policy.</param>
    /// <param name="restStart">Index in the raw target where the path after the API's base path starts.</param>
    /// <param name="apiName">The API's name, for logs (the URL may carry secrets in its query, so it is not logged).</param>
    /// <param name="basePath">The API's base path, sent as <c>X-Forwarded-Prefix</c>.</param>
    /// <param name="identity">Identity fields to add.</param>
    /// <param name="observed">The request's observation (<see cref="ProxyObserver.Begin"/>): its trace context and request id
    /// are sent upstream, and it is completed (metrics, span, access log) when the exchange ends, however it ends.</param>
    /// <remarks>Never throws: every failure becomes a JSON error response or, once the response started, an aborted
    /// connection. It runs ahead of the exception-handler middleware, whose per-request await it would otherwise pay.</remarks>
    public async Task ForwardAsync(HttpContext context, Upstream upstream, RequestTarget target, int restStart, string apiName, string basePath, ForwardedIdentity identity,
        ProxiedRequest observed)
    {
        var request = context.Request;
        var bodyLength = Http1Request.BodyLength(context);
        var hasBody = bodyLength is -1 or > 0;
        observed.BytesIn = bodyLength ?? 0; // -1 (chunked): unknown
        if (bodyLength > 0 && bodyLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
        {
            // Declared over the limit: refused before anything is sent (Kestrel would refuse it at the first read).
            Log.ClientBodyRejected(logger, apiName, "declared Content-Length over the limit");
            observed.BytesIn = 0;
            await ErrorResponse.WriteAsync(context, 413, ErrorCodes.RequestTooLarge, "the request body is over the size limit").ConfigureAwait(false);
            observer.Complete(context, observed);
            return;
        }

        var method = request.Method;
        var isHead = HttpMethods.IsHead(method);
        var idempotent = isHead || HttpMethods.IsGet(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)
            || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
        var aborted = context.RequestAborted;
        UpstreamConnection? connection = null;
        var reusable = false;
        var bodySent = false;
        string? malformed = null;
        var requestId = observed.Trace.RequestId;
        observed.UpstreamStart = observed.Start == 0 ? 0 : Stopwatch.GetTimestamp();
        try
        {
            ResponseHead head;
            while (true)
            {
                connection = await RentAsync(upstream.Pool, aborted).ConfigureAwait(false);
                var cancellation = connection.Cancellation;
                malformed = Http1Request.WriteHead(connection.Writer, context, upstream, target, restStart, basePath, identity, _fields, bodyLength, observed.Trace);
                if (malformed is not null)
                {
                    // Nothing was sent: the half-written head is dropped and the connection goes back to the pool unused.
                    connection.Writer.Discard();
                    reusable = true;
                    head = default;
                    break;
                }

                connection.ArmDeadline(Environment.TickCount64 + _timeoutMs, aborted);
                try
                {
                    if (hasBody)
                    {
                        bodySent = true;
                        await Http1Request.CopyBodyAsync(request.BodyReader, connection.Writer, bodyLength == -1, cancellation.Token).ConfigureAwait(false);
                    }

                    await connection.Writer.FlushAsync(cancellation.Token).ConfigureAwait(false);
                    // The head is read here, not in a helper, so an exchange costs one async state machine, not two.
                    while (!Http1Response.TryReadHead(connection, context.Response, isHead, out head))
                    {
                        connection.Reader.Append(await connection.Reader.ReadAsync(cancellation.Token).ConfigureAwait(false));
                    }

                    break;
                }
                catch (Exception e) when (idempotent && connection.Exchanges > 0 && !bodySent && !aborted.IsCancellationRequested
                    && (e is IOException || e is UpstreamProtocolException { Error: UpstreamProtocolError.ClosedBeforeResponse }))
                {
                    // The upstream closed this idle connection as we reused it: nothing was processed, and the method is
                    // idempotent, so it may be sent again (RFC 9110 section 9.2.2) on a new connection.
                    connection.Dispose();
                    connection = null;
                    context.Response.Clear();
                }
            }

            if (malformed is not null)
            {
                observed.UpstreamStart = 0; // nothing was sent
                observed.BytesIn = 0;
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, malformed).ConfigureAwait(false);
                return;
            }

            // The upstream's own X-Request-Id, if any, gives way to the gateway's (the one the access log and the upstream got).
            context.Response.Headers[ProxyObserver.RequestIdHeader] = requestId;
            observed.UpstreamStatus = context.Response.StatusCode;
            observed.BytesOut = isHead ? 0 : head.Framing == BodyFraming.ContentLength ? head.ContentLength : head.Framing == BodyFraming.None ? 0 : -1;

            // The deadline covers the head only; a client abort still cancels the body. Lost to the heartbeat at the
            // last moment: the body copy sees the cancellation.
            connection.TryExtendDeadline(long.MaxValue);
            bool completed;
            try
            {
                completed = await Http1Response.CopyBodyAsync(connection.Reader, context.Response.BodyWriter, head, connection.Cancellation.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UpstreamProtocolException or OperationCanceledException)
            {
                // The status line is already out: the only honest signal left is to abort the connection.
                if (!aborted.IsCancellationRequested)
                {
                    Log.UpstreamBodyFailed(logger, apiName, e.Message);
                    observed.UpstreamError = "body_failed";
                }

                observed.BytesOut = -1;

                context.Abort();
                return;
            }

            reusable = completed && head.KeepAlive && IsDrained(connection);
            observed.UpstreamEnd = observed.UpstreamStart == 0 ? 0 : Stopwatch.GetTimestamp();
        }
        catch (BadHttpRequestException e)
        {
            // The client's body broke its framing or Kestrel's size limit: the client's error, not the upstream's. First:
            // Kestrel also fires RequestAborted for it.
            var tooLarge = RequestBodyLimit.IsExceeded(e);
            Log.ClientBodyRejected(logger, apiName, e.Message);
            observed.UpstreamError = "client_body_rejected";
            // What follows a broken body on this connection cannot be framed: no further request is read from it.
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            await (tooLarge
                ? FailAsync(context, 413, ErrorCodes.RequestTooLarge, "the request body is over the size limit", requestId)
                : FailAsync(context, 400, ErrorCodes.InvalidRequest, e.Message, requestId)).ConfigureAwait(false);
        }
        catch (Exception e) when (aborted.IsCancellationRequested || e is ClientAbortedException)
        {
            // The client went away; nobody to answer.
            Log.ClientAborted(logger, apiName, (e.InnerException ?? e).GetType().FullName!, (e.InnerException ?? e).Message);
            observed.UpstreamError = "client_aborted";
        }
        catch (OperationCanceledException)
        {
            Log.UpstreamTimeout(logger, apiName, _timeout.TotalSeconds);
            observed.UpstreamError = "timeout";
            await FailAsync(context, 504, ErrorCodes.GatewayTimeout, $"the upstream did not answer within {_timeout.TotalSeconds} s", requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            Log.UpstreamFailed(logger, apiName, e.Message);
            observed.UpstreamError = "connection_failed";
            await FailAsync(context, 502, ErrorCodes.BadGateway, "the upstream is unreachable", requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UpstreamProtocolException or AuthenticationException)
        {
            Log.UpstreamFailed(logger, apiName, e.InnerException?.Message ?? e.Message);
            observed.UpstreamError = "protocol_error";
            await FailAsync(context, 502, ErrorCodes.BadGateway, "the upstream broke the exchange", requestId).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.ForwardingFailed(logger, apiName, e);
            observed.UpstreamError = "internal_error";
            await FailAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log", requestId).ConfigureAwait(false);
        }
        finally
        {
            if (observed.UpstreamError is not null)
            {
                observed.BytesOut = -1;
            }

            observer.Complete(context, observed);
            if (connection is not null)
            {
                if (reusable && connection.DisarmDeadline())
                {
                    connection.Exchanges += malformed is null ? 1 : 0; // a refused head used nothing of it
                    upstream.Pool.Return(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }
    }

    // Not async: renting an idle connection, the usual case, costs no state machine. Every idle connection is checked
    // before reuse: bytes the upstream sent unasked (a late body, a second response, an idle 408) must never be read as
    // the next client's response, and a connection the upstream closed would fail a request that cannot be resent.
    private static ValueTask<UpstreamConnection> RentAsync(UpstreamConnectionPool pool, CancellationToken aborted)
    {
        while (pool.TryRent(out var idle))
        {
            if (!idle.IsStale())
            {
                return ValueTask.FromResult(idle);
            }

            idle.Dispose();
        }

        return new ValueTask<UpstreamConnection>(pool.ConnectAsync(aborted));
    }

    // Bytes after a complete response that nobody asked for: the connection's framing is not to be trusted.
    private static bool IsDrained(UpstreamConnection connection) => connection.Reader.Buffered.IsEmpty && !connection.Reader.IsCompleted;

    private static Task FailAsync(HttpContext context, int status, string error, string description, string? requestId)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear(); // fields of a half-read upstream head must not leak into the error
        context.Response.Headers[ProxyObserver.RequestIdHeader] = requestId;
        return ErrorResponse.WriteAsync(context, status, error, description);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UpstreamTimeout, Level = LogLevel.Warning, Message = "Upstream of API {Api} did not answer within {Timeout} s")]
        public static partial void UpstreamTimeout(ILogger logger, string api, double timeout);

        [LoggerMessage(EventId = EventIds.UpstreamFailed, Level = LogLevel.Warning, Message = "Upstream of API {Api} failed: {Reason}")]
        public static partial void UpstreamFailed(ILogger logger, string api, string reason);

        [LoggerMessage(EventId = EventIds.ProxyFailed, Level = LogLevel.Error, Message = "Forwarding to the upstream of API {Api} failed unexpectedly")]
        public static partial void ForwardingFailed(ILogger logger, string api, Exception exception);

        [LoggerMessage(EventId = EventIds.ClientAborted, Level = LogLevel.Debug, Message = "Client of API {Api} went away before its response ({Exception}: {Reason})")]
        public static partial void ClientAborted(ILogger logger, string api, string exception, string reason);

        [LoggerMessage(EventId = EventIds.ClientBodyRejected, Level = LogLevel.Information, Message = "Client of API {Api} sent a request body that was refused: {Reason}")]
        public static partial void ClientBodyRejected(ILogger logger, string api, string reason);

        [LoggerMessage(EventId = EventIds.UpstreamBodyFailed, Level = LogLevel.Warning, Message = "Upstream of API {Api} response body failed: {Reason}")]
        public static partial void UpstreamBodyFailed(ILogger logger, string api, string reason);
    }
}
