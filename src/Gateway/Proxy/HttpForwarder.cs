using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
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
/// Forwards a request to an upstream over HTTP/1.1 and streams the response back, both bodies
/// streamed, never buffered.
/// </summary>
/// <remarks>
/// <code>
/// client ──► Kestrel ──► copy headers (minus hop-by-hop, Authorization, spoofable identity headers)
///                        + X-Client-Id / X-Owner / X-Scope + X-Forwarded-For/Proto/Host/Prefix
///        ──► SocketsHttpHandler ──► upstream
/// client ◄── status + headers (minus hop-by-hop) ◄── body copied as it arrives
/// </code>
/// Hop-by-hop handling follows RFC 9110 section 7.6.1: the Connection header, every field it names,
/// and the well-known hop-by-hop fields are dropped in both directions. Failures before the response
/// starts become 502 (unreachable, broken) or 504 (no response headers within <c>Proxy:Timeout</c>);
/// after it starts the client connection is aborted, since the status is already sent.
/// </remarks>
internal sealed partial class HttpForwarder : IDisposable
{
    private static readonly FrozenSet<string> HopByHop = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade", "Trailer",
        "Proxy-Authenticate", "Proxy-Authorization");

    // Request fields the gateway sets itself: whatever the client sent under these names must not reach the upstream.
    private static readonly FrozenSet<string> GatewayOwned = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Host", "Authorization", "X-Client-Id", "X-Owner", "X-Scope",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded");

    private readonly HttpMessageInvoker _invoker;
    private readonly TimeSpan _timeout;
    private readonly ILogger<HttpForwarder> _logger;

    /// <summary>Creates the forwarder with one pooled connection handler for all upstreams.</summary>
    public HttpForwarder(IOptions<ProxyOptions> options, ILogger<HttpForwarder> logger)
    {
        _timeout = TimeSpan.FromSeconds(options.Value.Timeout);
        _logger = logger;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeout),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ActivityHeadersPropagator = null,
        }, disposeHandler: true);
    }

    /// <summary>Forwards the current request to <paramref name="target"/> (absolute URL incl. query).</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="target">Upstream URL.</param>
    /// <param name="apiName">The API's name, for logs (the URL may carry secrets in its query, so it is not logged).</param>
    /// <param name="basePath">The API's base path, sent as <c>X-Forwarded-Prefix</c>.</param>
    /// <param name="identity">Identity headers to add.</param>
    public async Task ForwardAsync(HttpContext context, string target, string apiName, string basePath, ForwardedIdentity identity)
    {
        using var request = CreateRequest(context, target, basePath, identity);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(_timeout);
        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(request, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // The client went away; nobody to answer.
        }
        catch (OperationCanceledException)
        {
            Log.UpstreamTimeout(_logger, apiName, _timeout.TotalSeconds);
            await ErrorResponse.WriteAsync(context, 504, ErrorCodes.GatewayTimeout, $"the upstream did not answer within {_timeout.TotalSeconds} s").ConfigureAwait(false);
            return;
        }
        catch (HttpRequestException e)
        {
            Log.UpstreamFailed(_logger, apiName, e.HttpRequestError, e.InnerException?.Message ?? e.Message);
            var description = e.InnerException is SocketException or TimeoutException
                ? "the upstream is unreachable"
                : "the upstream broke the exchange";
            await ErrorResponse.WriteAsync(context, 502, ErrorCodes.BadGateway, description).ConfigureAwait(false);
            return;
        }

        using (response)
        {
            CopyResponseHeaders(response, context.Response);
            try
            {
                // Flush headers now so clients see them even if the body is slow (streaming).
                var body = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await body.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                // The status line is already out: the only honest signal left is to abort the connection.
                if (!context.RequestAborted.IsCancellationRequested)
                {
                    Log.UpstreamBodyFailed(_logger, apiName, e.Message);
                }

                context.Abort();
            }
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, string target, string basePath, ForwardedIdentity identity)
    {
        var incoming = context.Request;
        // HttpMethod.Parse returns the shared instance for standard methods.
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        var connectionOptions = incoming.Headers.Connection;
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || GatewayOwned.Contains(name) || IsConnectionOption(connectionOptions, name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        var headers = request.Headers;
        headers.TryAddWithoutValidation("X-Client-Id", identity.ClientId);
        if (identity.Owner is not null)
        {
            headers.TryAddWithoutValidation("X-Owner", identity.Owner);
        }

        headers.TryAddWithoutValidation("X-Scope", identity.Scope);
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        if (incoming.Host.HasValue)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Host", incoming.Host.Value);
        }

        headers.TryAddWithoutValidation("X-Forwarded-Prefix", basePath);
        return request;
    }

    private static void CopyResponseHeaders(HttpResponseMessage source, HttpResponse destination)
    {
        destination.StatusCode = (int)source.StatusCode;
        var connectionOptions = source.Headers.Connection;
        foreach (var (name, values) in source.Headers)
        {
            if (!HopByHop.Contains(name) && !connectionOptions.Contains(name))
            {
                destination.Headers[name] = values.ToArray();
            }
        }

        foreach (var (name, values) in source.Content.Headers)
        {
            destination.Headers[name] = values.ToArray();
        }
    }

    private static bool IsConnectionOption(Microsoft.Extensions.Primitives.StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan(range).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _invoker.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UpstreamTimeout, Level = LogLevel.Warning, Message = "Upstream of API {Api} did not answer within {Timeout} s")]
        public static partial void UpstreamTimeout(ILogger logger, string api, double timeout);

        [LoggerMessage(EventId = EventIds.UpstreamFailed, Level = LogLevel.Warning, Message = "Upstream of API {Api} failed ({Error}): {Reason}")]
        public static partial void UpstreamFailed(ILogger logger, string api, HttpRequestError error, string reason);

        [LoggerMessage(EventId = EventIds.UpstreamBodyFailed, Level = LogLevel.Warning, Message = "Upstream of API {Api} response body failed: {Reason}")]
        public static partial void UpstreamBodyFailed(ILogger logger, string api, string reason);
    }
}
