using FastGateway.Proxy;

namespace FastGateway.Observability;

/// <summary>
/// What the proxy learns about one protected-API request as it goes, for its metrics, span and access-log line
/// (<see cref="ProxyObserver.Complete"/>). A struct carried by value through the forwarder: nothing is allocated for it.
/// </summary>
internal struct ProxiedRequest
{
    /// <summary>When the request began (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>); 0 when nothing observes requests.</summary>
    public long Start;

    /// <summary>The API's index in the generated tables.</summary>
    public int ApiIndex;

    /// <summary>The matched resource's index, or -1 when none matched (404).</summary>
    public int ResourceIndex;

    /// <summary>The request's trace context, span and request id.</summary>
    public RequestTrace Trace;

    /// <summary>The client's raw request-target (its path is logged, never its query).</summary>
    public RequestTarget Target;

    /// <summary>Whether the access log writes this request (sampled).</summary>
    public bool Logged;

    /// <summary>The token's client_id, or null when no valid token identified a client.</summary>
    public string? ClientId;

    /// <summary>The token's resource owner, or null.</summary>
    public string? Owner;

    /// <summary>When the upstream exchange began (a connection was asked for); 0 when nothing was sent upstream.</summary>
    public long UpstreamStart;

    /// <summary>When the upstream exchange ended.</summary>
    public long UpstreamEnd;

    /// <summary>The upstream's status code, or 0 when it sent no response head.</summary>
    public int UpstreamStatus;

    /// <summary>Why the upstream exchange failed (<c>error.type</c>), or null.</summary>
    public string? UpstreamError;

    /// <summary>Request body bytes, or -1 when unknown.</summary>
    public long BytesIn;

    /// <summary>Response body bytes, or -1 when unknown.</summary>
    public long BytesOut;
}
