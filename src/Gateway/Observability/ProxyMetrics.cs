using System.Diagnostics;
using System.Diagnostics.Metrics;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.Proxy;

namespace FastGateway.Observability;

/// <summary>
/// The proxied path's instruments, on <see cref="GatewayTelemetry.Meter"/>. Names follow OpenTelemetry's HTTP semantic
/// conventions where one exists (<c>http.server.request.duration</c>, <c>http.client.request.duration</c>,
/// <c>http.client.open_connections</c>); the gateway's own are under <c>fastgateway.</c>. docs/observability-proxy.md
/// lists every tag and how each is bounded.
/// </summary>
/// <remarks>
/// Every tag value is a string that already exists (API names, route templates and method names from the compiled
/// definition, the client's own client_id string, constant status classes), so recording allocates nothing: a
/// <see cref="TagList"/> of up to eight tags lives on the stack. An instrument nobody listens to costs one branch.
/// </remarks>
internal static class ProxyMetrics
{
    /// <summary>Tag: the API's name from gateway.json.</summary>
    public const string ApiTag = "fastgateway.api";
    /// <summary>Tag: the bounded client_id (<see cref="ClientIdLabels"/>).</summary>
    public const string ClientIdTag = "fastgateway.client_id";
    /// <summary>Tag: the status class, <c>1xx</c> to <c>5xx</c>.</summary>
    public const string StatusClassTag = "fastgateway.status_class";
    /// <summary>Tag: the validation outcome (<see cref="Outcome"/>).</summary>
    public const string OutcomeTag = GatewayTelemetry.OutcomeTag;

    // Seconds. The gateway answers in well under a millisecond: OpenTelemetry's default HTTP buckets start at 5 ms and
    // would put every request in the first one.
    private static readonly double[] Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary><c>http.server.request.duration</c> (s): protected-API requests the gateway answered, forwarded or refused.</summary>
    public static readonly Histogram<double> ServerDuration = GatewayTelemetry.Meter.CreateHistogram(
        "http.server.request.duration", "s", "Duration of protected-API requests, from the request head to the end of the response.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    /// <summary><c>http.client.request.duration</c> (s): the upstream exchange, the gateway being the upstream's client.</summary>
    public static readonly Histogram<double> ClientDuration = GatewayTelemetry.Meter.CreateHistogram(
        "http.client.request.duration", "s", "Duration of upstream exchanges, from taking a connection to the end of the response body.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    /// <summary><c>fastgateway.token.validations</c> ({request}): access-token checks on protected APIs by outcome.</summary>
    public static readonly Counter<long> TokenValidations = GatewayTelemetry.Meter.CreateCounter<long>(
        "fastgateway.token.validations", "{request}", "Access-token checks of protected-API requests, by outcome.");

    /// <summary><c>http.client.open_connections</c> ({connection}): upstream pool connections by state, observed at collection.</summary>
    public static readonly ObservableUpDownCounter<long> OpenConnections = GatewayTelemetry.Meter.CreateObservableUpDownCounter(
        "http.client.open_connections", ObservePools, "{connection}", "Open upstream connections, idle in the pool or active in an exchange.");

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private static readonly Lock PoolsLock = new();
    private static readonly List<(string Api, UpstreamConnectionPool Pool)> Pools = [];
    private static readonly KeyValuePair<string, object?> ClientQuotaLimiter = new("fastgateway.limiter", "client_quota");

    /// <summary>Validation outcomes, the values of <see cref="OutcomeTag"/>.</summary>
    internal static class Outcome
    {
        public const string Allowed = "allowed";
        public const string MissingToken = "missing_token";
        public const string MalformedRequest = "malformed_request";
        public const string InvalidToken = "invalid_token";
        public const string Expired = "expired";
        public const string Revoked = "revoked";
        public const string InsufficientScope = "insufficient_scope";
        public const string RateLimited = "rate_limited";
    }

    /// <summary>The status class of <paramref name="status"/>: <c>1xx</c> to <c>5xx</c>; anything else reads <c>5xx</c>.</summary>
    public static string StatusClass(int status) => (uint)(status - 100) < 500 ? StatusClasses[(status / 100) - 1] : StatusClasses[4];

    /// <summary>The method as OpenTelemetry's <c>http.request.method</c> wants it: a known method (RFC 9110 and PATCH), else <c>_OTHER</c>.</summary>
    /// <remarks>Kestrel hands known methods as interned constants; an unknown one is a string per request and must never
    /// become a label.</remarks>
    public static string MethodLabel(string method) => method switch
    {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        "TRACE" => "TRACE",
        "CONNECT" => "CONNECT",
        _ => GatewayTelemetry.Other,
    };

    /// <summary>Counts one validation <paramref name="outcome"/> of API <paramref name="api"/>.</summary>
    public static void CountValidation(string outcome, string api)
    {
        if (TokenValidations.Enabled)
        {
            TokenValidations.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome), new KeyValuePair<string, object?>(ApiTag, api));
        }
    }

    /// <summary>Counts a 429 for a client over its quota (<see cref="GatewayTelemetry.RateLimitRejections"/>, limiter <c>client_quota</c>).</summary>
    public static void CountQuotaRejection(string clientLabel) =>
        GatewayTelemetry.RateLimitRejections.Add(1, ClientQuotaLimiter, new KeyValuePair<string, object?>(ClientIdTag, clientLabel));

    /// <summary>Adds API <paramref name="api"/>'s pool to <see cref="OpenConnections"/>; <see cref="UntrackPool"/> when the pool is disposed.</summary>
    public static void TrackPool(string api, UpstreamConnectionPool pool)
    {
        lock (PoolsLock)
        {
            Pools.Add((api, pool));
        }
    }

    /// <summary>Removes a disposed pool from <see cref="OpenConnections"/>.</summary>
    public static void UntrackPool(UpstreamConnectionPool pool)
    {
        lock (PoolsLock)
        {
            Pools.RemoveAll(entry => ReferenceEquals(entry.Pool, pool));
        }
    }

    // At collection only (a scrape, an export): never on a request.
    private static IEnumerable<Measurement<long>> ObservePools()
    {
        List<Measurement<long>> measurements;
        lock (PoolsLock)
        {
            measurements = new(Pools.Count * 2);
            foreach (var (api, pool) in Pools)
            {
                var idle = pool.IdleCount;
                var open = pool.OpenCount;
                measurements.Add(new(idle, new KeyValuePair<string, object?>(ApiTag, api), new KeyValuePair<string, object?>("http.connection.state", "idle")));
                measurements.Add(new(Math.Max(0, open - idle), new KeyValuePair<string, object?>(ApiTag, api), new KeyValuePair<string, object?>("http.connection.state", "active")));
            }
        }

        return measurements;
    }
}

/// <summary>
/// The route labels and span names of the compiled definition, built once: <c>http.route</c> is the API's base path
/// followed by the resource's path template (<c>/timetravels/bookings/{id}</c>), and a span is named
/// <c>{method} {route}</c> (OpenTelemetry's HTTP span name), so neither is built per request.
/// </summary>
internal static class RouteLabels
{
    private static readonly string[] Routes = Build(static (api, resource) => api.BasePath + resource.PathTemplate);
    private static readonly string[] SpanNames = Build(static (api, resource) => $"{MethodText(resource.Method)} {api.BasePath}{resource.PathTemplate}");

    /// <summary>The <c>http.route</c> of resource <paramref name="resourceIndex"/>, or null for -1 (no resource matched).</summary>
    public static string? Route(int resourceIndex) => resourceIndex < 0 ? null : Routes[resourceIndex];

    /// <summary>The span name of resource <paramref name="resourceIndex"/>; without a resource, the method alone (or <c>HTTP</c> for an unknown one).</summary>
    public static string SpanName(int resourceIndex, string methodLabel) =>
        resourceIndex >= 0 ? SpanNames[resourceIndex] : methodLabel == GatewayTelemetry.Other ? "HTTP" : methodLabel;

    private static string[] Build(Func<ApiDescriptor, ResourceDescriptor, string> label)
    {
        var resources = GatewayDefinition.Resources;
        var labels = new string[resources.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = label(GatewayDefinition.Apis[resources[i].ApiIndex], resources[i]);
        }

        return labels;
    }

    private static string MethodText(HttpMethodKind method) => method switch
    {
        HttpMethodKind.Get => "GET",
        HttpMethodKind.Head => "HEAD",
        HttpMethodKind.Post => "POST",
        HttpMethodKind.Put => "PUT",
        HttpMethodKind.Delete => "DELETE",
        HttpMethodKind.Patch => "PATCH",
        HttpMethodKind.Options => "OPTIONS",
        _ => "HTTP",
    };
}
