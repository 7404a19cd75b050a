using System.Net.Sockets;
using System.Security.Authentication;
using FastGateway.Errors;
using FastGateway.Hosting;
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
/// client ──► Kestrel ──► Http1Request: request line + fields (minus hop-by-hop, Authorization, spoofable identity
///                        fields) + X-Client-Id / X-Owner / X-Scope + X-Forwarded-*, body re-framed
///        ──► UpstreamConnectionPool (socket, TLS for https, UpstreamWriter/UpstreamReader) ──► upstream
/// client ◄── Http1Response: status + fields (minus hop-by-hop) ◄── body decoded and copied as it arrives
/// </code>
/// Hop-by-hop handling follows RFC 9110 section 7.6.1: the Connection field, every field it names, and the
/// well-known hop-by-hop fields are dropped in both directions. Failures before the response starts become 502
/// (unreachable, broken) or 504 (no response head within <c>Proxy:Timeout</c>); after it starts the client
/// connection is aborted, since the status is already sent. A reused connection the upstream had already
/// closed (the keep-alive race, RFC 9112 section 9.3.1) is retried once on a new connection when no request
/// body was sent yet; before a body is sent an idle connection is checked first.
/// </remarks>
internal sealed partial class HttpForwarder(IOptions<ProxyOptions> options, ILogger<HttpForwarder> logger)
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.Timeout);
    private readonly long _timeoutMs = Math.Max(1L, (long)TimeSpan.FromSeconds(options.Value.Timeout).TotalMilliseconds);

    /// <summary>Forwards the current request to <paramref name="upstream"/> and writes its response.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="upstream">The API's upstream.</param>
    /// <param name="path">The request path as Kestrel decoded it.</param>
    /// <param name="basePathLength">Length of the API's base path at the start of <paramref name="path"/>.</param>
    /// <param name="apiName">The API's name, for logs (the URL may carry secrets in its query, so it is not logged).</param>
    /// <param name="basePath">The API's base path, sent as <c>X-Forwarded-Prefix</c>.</param>
    /// <param name="identity">Identity fields to add.</param>
    /// <remarks>Never throws: every failure becomes a JSON error response or, once the response started, an aborted
    /// connection. It runs ahead of the exception-handler middleware, whose per-request await it would otherwise pay.</remarks>
    public async Task ForwardAsync(HttpContext context, Upstream upstream, string path, int basePathLength, string apiName, string basePath, ForwardedIdentity identity)
    {
        var request = context.Request;
        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
        var chunked = hasBody && request.ContentLength is null;
        var isHead = HttpMethods.IsHead(request.Method);
        var aborted = context.RequestAborted;
        UpstreamConnection? connection = null;
        var reusable = false;
        var bodySent = false;
        try
        {
            ResponseHead head;
            while (true)
            {
                connection = await RentAsync(upstream.Pool, hasBody, aborted).ConfigureAwait(false);
                var cancellation = connection.Cancellation;
                connection.ArmDeadline(Environment.TickCount64 + _timeoutMs, aborted);
                try
                {
                    Http1Request.WriteHead(connection.Writer, context, upstream, path, basePathLength, basePath, identity, chunked);
                    if (hasBody)
                    {
                        bodySent = true;
                        await Http1Request.CopyBodyAsync(request.BodyReader, connection.Writer, chunked, cancellation.Token).ConfigureAwait(false);
                    }

                    await connection.Writer.FlushAsync(cancellation.Token).ConfigureAwait(false);
                    // The head is read here, not in a helper, so an exchange costs one async state machine, not two.
                    while (!Http1Response.TryReadHead(connection, context.Response, isHead, out head))
                    {
                        connection.Reader.Append(await connection.Reader.ReadAsync(cancellation.Token).ConfigureAwait(false));
                    }

                    break;
                }
                catch (Exception e) when (connection.Exchanges > 0 && !bodySent && !aborted.IsCancellationRequested
                    && (e is IOException || e is UpstreamProtocolException { Error: UpstreamProtocolError.ClosedBeforeResponse }))
                {
                    // The upstream closed this idle connection as we reused it: nothing was processed, try a new one.
                    connection.Dispose();
                    connection = null;
                    context.Response.Clear();
                }
            }

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
                }

                context.Abort();
                return;
            }

            reusable = completed && head.KeepAlive && IsDrained(connection);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away; nobody to answer.
        }
        catch (OperationCanceledException)
        {
            Log.UpstreamTimeout(logger, apiName, _timeout.TotalSeconds);
            await FailAsync(context, 504, ErrorCodes.GatewayTimeout, $"the upstream did not answer within {_timeout.TotalSeconds} s").ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            Log.UpstreamFailed(logger, apiName, e.Message);
            await FailAsync(context, 502, ErrorCodes.BadGateway, "the upstream is unreachable").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UpstreamProtocolException or AuthenticationException)
        {
            Log.UpstreamFailed(logger, apiName, e.InnerException?.Message ?? e.Message);
            await FailAsync(context, 502, ErrorCodes.BadGateway, "the upstream broke the exchange").ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // The client's body broke its framing or Kestrel's size limit.
            await (RequestBodyLimit.IsExceeded(e)
                ? FailAsync(context, 413, ErrorCodes.RequestTooLarge, "the request body is over the size limit")
                : FailAsync(context, 400, ErrorCodes.InvalidRequest, e.Message)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.ForwardingFailed(logger, apiName, e);
            await FailAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log").ConfigureAwait(false);
        }
        finally
        {
            if (connection is not null)
            {
                if (reusable && connection.DisarmDeadline())
                {
                    connection.Exchanges++;
                    upstream.Pool.Return(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }
    }

    // Not async: renting an idle connection, the usual case, costs no state machine.
    private static ValueTask<UpstreamConnection> RentAsync(UpstreamConnectionPool pool, bool hasBody, CancellationToken aborted)
    {
        while (pool.TryRent(out var idle))
        {
            // A body read from the client cannot be sent twice: make sure the upstream has not closed this one.
            if (!hasBody || !idle.IsStale())
            {
                return ValueTask.FromResult(idle);
            }

            idle.Dispose();
        }

        return new ValueTask<UpstreamConnection>(pool.ConnectAsync(aborted));
    }

    // Bytes after a complete response that nobody asked for: the connection's framing is not to be trusted.
    private static bool IsDrained(UpstreamConnection connection) => connection.Reader.Buffered.IsEmpty && !connection.Reader.IsCompleted;

    private static Task FailAsync(HttpContext context, int status, string error, string description)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear(); // fields of a half-read upstream head must not leak into the error
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

        [LoggerMessage(EventId = EventIds.UpstreamBodyFailed, Level = LogLevel.Warning, Message = "Upstream of API {Api} response body failed: {Reason}")]
        public static partial void UpstreamBodyFailed(ILogger logger, string api, string reason);
    }
}
