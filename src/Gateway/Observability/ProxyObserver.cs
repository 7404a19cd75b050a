using System.Diagnostics;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.Proxy;

namespace FastGateway.Observability;

/// <summary>
/// Turns a finished protected-API request (<see cref="ProxiedRequest"/>) into its metrics (<see cref="ProxyMetrics"/>),
/// ends its span, and queues its access-log line (<see cref="AccessLog"/>). Each costs nothing when off: an instrument
/// without a listener, no sampled span, <c>AccessLog:Enabled=false</c>.
/// </summary>
internal sealed class ProxyObserver
{
    private readonly AccessLog _accessLog;
    private readonly ClientIdLabels _clientIds;

    /// <summary>Creates the observer; the pools of <paramref name="upstreams"/> feed <c>http.client.open_connections</c>
    /// from now on (each leaves it when disposed).</summary>
    public ProxyObserver(AccessLog accessLog, ClientIdLabels clientIds, UpstreamTable upstreams)
    {
        _accessLog = accessLog;
        _clientIds = clientIds;
        var apis = GatewayDefinition.Apis;
        for (var i = 0; i < apis.Count; i++)
        {
            ProxyMetrics.TrackPool(apis[i].Name, upstreams[i].Pool);
        }
    }

    /// <summary>The response field carrying the request id (as Envoy's <c>x-request-id</c>).</summary>
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>The status logged for a client that went away before its response was sent (nginx's 499).</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>Whether anything records requests now: then a request reads the clock at its start.</summary>
    public bool IsObserving => _accessLog.Enabled || ProxyMetrics.ServerDuration.Enabled || ProxyMetrics.ClientDuration.Enabled
        || GatewayTelemetry.ActivitySource.HasListeners();

    /// <summary>The bounded client_id labels.</summary>
    public ClientIdLabels ClientIds => _clientIds;

    /// <summary>
    /// Begins observing a request the proxy will answer: reads the client's trace context, starts the span when sampled,
    /// sets <c>X-Request-Id</c> on the response and decides whether the access log writes it.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="start">From <see cref="Stopwatch.GetTimestamp"/> at the request's start, or 0 when not observing.</param>
    /// <param name="route">The route match (an API matched).</param>
    /// <param name="target">The client's raw request-target.</param>
    /// <param name="identity">The token's identity, when a token identified a client.</param>
    public ProxiedRequest Begin(HttpContext context, long start, in RouteMatch route, in RequestTarget target, in Validation.TokenIdentity identity)
    {
        var resourceIndex = route.Status == RouteMatchStatus.Matched ? route.ResourceIndex : -1;
        var trace = RequestTrace.Start(context.Request.Headers, RouteLabels.SpanName(resourceIndex, ProxyMetrics.MethodLabel(context.Request.Method)), start);
        context.Response.Headers[RequestIdHeader] = trace.RequestId;
        if (trace.Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("http.request.method", ProxyMetrics.MethodLabel(context.Request.Method));
            activity.SetTag("url.scheme", context.Request.Scheme);
            activity.SetTag("url.path", target.Path.ToString());
            activity.SetTag("http.route", RouteLabels.Route(resourceIndex));
            activity.SetTag(ProxyMetrics.ApiTag, GatewayDefinition.Apis[route.ApiIndex].Name);
        }

        return new ProxiedRequest
        {
            Start = start,
            ApiIndex = route.ApiIndex,
            ResourceIndex = resourceIndex,
            Trace = trace,
            Target = target,
            Logged = _accessLog.Sample(),
            ClientId = identity.Client?.ClientId,
            Owner = identity.Client is null ? null : identity.Owner,
            BytesIn = 0,
            BytesOut = -1,
        };
    }

    /// <summary>Records a finished request: its duration histogram, upstream histogram, span and access-log line.</summary>
    /// <param name="context">The request, its response written (or abandoned).</param>
    /// <param name="request">What was learnt on the way.</param>
    public void Complete(HttpContext context, in ProxiedRequest request)
    {
        var response = context.Response;
        var status = !response.HasStarted && context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : response.StatusCode;
        var end = request.Start == 0 ? 0 : Stopwatch.GetTimestamp();
        var duration = request.Start == 0 ? 0 : Stopwatch.GetElapsedTime(request.Start, end).TotalSeconds;
        var upstreamDuration = request.UpstreamStart == 0 ? -1
            : Stopwatch.GetElapsedTime(request.UpstreamStart, request.UpstreamEnd == 0 ? (end == 0 ? Stopwatch.GetTimestamp() : end) : request.UpstreamEnd).TotalSeconds;
        var api = GatewayDefinition.Apis[request.ApiIndex].Name;
        var route = RouteLabels.Route(request.ResourceIndex);
        var method = ProxyMetrics.MethodLabel(context.Request.Method);
        var clientLabel = request.ClientId is null ? null : _clientIds.Label(request.ClientId);

        if (request.Start != 0 && ProxyMetrics.ServerDuration.Enabled)
        {
            var tags = new TagList
            {
                { ProxyMetrics.ApiTag, api },
                { "http.request.method", method },
                { ProxyMetrics.StatusClassTag, ProxyMetrics.StatusClass(status) },
            };
            if (route is not null)
            {
                tags.Add("http.route", route);
            }

            if (clientLabel is not null)
            {
                tags.Add(ProxyMetrics.ClientIdTag, clientLabel);
            }

            ProxyMetrics.ServerDuration.Record(duration, in tags);
        }

        if (upstreamDuration >= 0 && ProxyMetrics.ClientDuration.Enabled)
        {
            var tags = new TagList
            {
                { ProxyMetrics.ApiTag, api },
                { "http.request.method", method },
            };
            if (request.UpstreamStatus != 0)
            {
                tags.Add(ProxyMetrics.StatusClassTag, ProxyMetrics.StatusClass(request.UpstreamStatus));
            }

            if (request.UpstreamError is not null)
            {
                tags.Add("error.type", request.UpstreamError);
            }

            ProxyMetrics.ClientDuration.Record(upstreamDuration, in tags);
        }

        if (request.Trace.Activity is { } activity)
        {
            EndSpan(activity, status, clientLabel, request.UpstreamError);
        }

        if (request.Logged)
        {
            _accessLog.Write(new AccessLogEntry(DateTime.UtcNow, request.Trace.RequestId, request.ClientId, request.Owner, api, route, context.Request.Method,
                request.Target.Raw, request.Target.QueryStart, status, duration, upstreamDuration, request.BytesIn, request.BytesOut));
        }
    }

    // Only for sampled spans: the boxing of the status code is paid only when a span is recorded.
    private static void EndSpan(Activity activity, int status, string? clientLabel, string? upstreamError)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.response.status_code", status);
            if (clientLabel is not null)
            {
                activity.SetTag(ProxyMetrics.ClientIdTag, clientLabel);
            }

            if (status >= 500)
            {
                activity.SetTag("error.type", upstreamError ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Stop();
    }
}
