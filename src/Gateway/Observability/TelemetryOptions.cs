using Microsoft.Extensions.Options;
using FastGateway.Hosting;

namespace FastGateway.Observability;

// Options use { get; set; }: the configuration-binding source generator skips init-only properties (GatewayOptions.cs).

/// <summary>Configuration section <c>Telemetry</c>: metrics and traces through the OpenTelemetry SDK (docs/observability.md).</summary>
internal sealed record TelemetryOptions
{
    /// <summary>Section <c>Telemetry:Metrics</c>.</summary>
    [ValidateObjectMembers]
    public TelemetryMetricsOptions Metrics { get; set; } = new();

    /// <summary>Section <c>Telemetry:Tracing</c>.</summary>
    [ValidateObjectMembers]
    public TelemetryTracingOptions Tracing { get; set; } = new();
}

/// <summary>Configuration section <c>Telemetry:Metrics</c>.</summary>
internal sealed record TelemetryMetricsOptions
{
    /// <summary>The OpenTelemetry SDK's default cardinality limit per metric.</summary>
    public const int DefaultCardinalityLimit = 2000;

    /// <summary>
    /// Whether the OpenTelemetry meter provider runs: <c>GET /metrics</c>, and OTLP export when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Default true. False registers no SDK at all: no listener subscribes to
    /// the gateway's instruments, each of which then costs one branch.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Most distinct tag combinations (time series) kept per metric; measurements past it are folded into one series
    /// tagged <c>otel.metric.overflow="true"</c>. Default 2000 (the SDK's); 1 to 100000.
    /// </summary>
    [NumberRange(1, 100_000, ErrorMessage = "must be 1 to 100000 series per metric")]
    public int CardinalityLimit { get; set; } = DefaultCardinalityLimit;

    /// <summary>
    /// Distinct client ids that get a <c>fastgateway.client_id</c> label of their own on the proxied-request metrics;
    /// later ones read <c>_OTHER</c> (<see cref="ClientIdLabels"/>). Default 100; 1 to 10000.
    /// </summary>
    [NumberRange(1, ClientIdLabels.MaxLimit, ErrorMessage = "must be 1 to 10000 (client ids labelled on their own; later ones read _OTHER)")]
    public int MaxClientIds { get; set; } = ClientIdLabels.DefaultLimit;
}

/// <summary>Configuration section <c>Telemetry:Tracing</c>.</summary>
internal sealed record TelemetryTracingOptions
{
    /// <summary>
    /// Whether the OpenTelemetry tracer provider runs (the gateway's spans, exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set). Default false: no span is created.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Fraction of root traces sampled, 0 to 1 (<c>ParentBased(TraceIdRatioBased)</c>: a request whose
    /// <c>traceparent</c> says sampled is always sampled, one that says not sampled never is). Default 1.
    /// </summary>
    [NumberRange(0, 1, ErrorMessage = "must be 0 to 1 (the fraction of traces sampled)")]
    public double SampleRatio { get; set; } = 1.0;
}
