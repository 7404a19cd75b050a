using System.Diagnostics.Metrics;
using System.Reflection;
using FastGateway.Admin;
using FastGateway.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FastGateway.Observability;

/// <summary>
/// The OpenTelemetry SDK in the gateway (docs/observability.md): a meter provider (on by default) read by the Prometheus
/// exporter behind <c>GET /metrics</c> and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, by a periodic OTLP exporter;
/// a tracer provider (off by default) exporting over OTLP.
/// </summary>
/// <remarks>
/// <code>
/// GatewayTelemetry.Meter ─┐                      ┌─► Prometheus exporter ──► GET /metrics (admin listener, or public + admin key)
/// System.Runtime ─────────┼─► MeterProvider ─────┤
/// Kestrel ────────────────┘   (views: buckets,   └─► OTLP exporter (only with OTEL_EXPORTER_OTLP_ENDPOINT; OTEL_* honoured)
///                              cardinality limit)
/// GatewayTelemetry.ActivitySource ──► TracerProvider (Telemetry:Tracing:Enabled) ──► OTLP exporter (same rule)
/// </code>
/// With <c>Telemetry:Metrics:Enabled=false</c> and tracing off nothing of the SDK is registered: no listener subscribes
/// to any instrument, and <c>/metrics</c> is 404.
/// </remarks>
internal static partial class TelemetryServices
{
    /// <summary>The OTEL resource's <c>service.name</c>.</summary>
    public const string ServiceName = "fastgateway";

    /// <summary>Where Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry semantic conventions' advice for seconds-valued HTTP durations (<c>http.server.request.duration</c>):
    /// 5 ms to 10 s.
    /// </summary>
    internal static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>
    /// Meters besides the gateway's own. <c>System.Runtime</c>: GC, heap, thread pool, CPU and exceptions, observed only
    /// at collection (no per-request cost). <c>Microsoft.AspNetCore.Server.Kestrel</c>: open and queued connections,
    /// connection duration, TLS handshakes, rejections; per connection, not per request. Left out on purpose:
    /// <c>Microsoft.AspNetCore.Hosting</c>, whose <c>http.server.request.duration</c> would time every proxied request a
    /// second time (tags built per request) and clash by name with the gateway's own; <c>System.Net.Http</c>, which the
    /// hand-written forwarder does not use.
    /// </summary>
    internal static readonly string[] OtherMeters = ["System.Runtime", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>
    /// Registers the SDK as <c>Telemetry</c> says (<see cref="TelemetryOptions"/>): nothing when both metrics and tracing
    /// are off.
    /// </summary>
    /// <param name="services">The gateway's services.</param>
    /// <param name="configuration">The gateway's configuration: section <c>Telemetry</c> and the standard <c>OTEL_*</c> variables.</param>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TelemetryOptions>(configuration.GetSection("Telemetry"));
        var options = configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Metrics.Enabled && !options.Tracing.Enabled)
        {
            return services;
        }

        var otlpMetrics = OtlpConfigured(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        var otlpTraces = OtlpConfigured(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: ServiceVersion));
        if (options.Metrics.Enabled)
        {
            var cardinalityLimit = options.Metrics.CardinalityLimit;
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayTelemetry.Name).AddMeter(OtherMeters);
                metrics.AddView(instrument => View(instrument, cardinalityLimit));
                metrics.AddPrometheusExporter();
                if (otlpMetrics)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (options.Tracing.Enabled)
        {
            var ratio = options.Tracing.SampleRatio;
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(GatewayTelemetry.Name)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)));
                if (otlpTraces)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text format) when metrics are on. With <c>Admin:Urls</c> set it answers only
    /// on the admin listener, without a key (404 on the public one); otherwise on the public listener behind the admin
    /// key and <c>OAuth:RequireHttps</c>, like <c>/admin/v1</c> (401 without the key, 403 when no key is configured).
    /// </summary>
    /// <remarks>
    /// Why anonymous on the admin listener: that listener is the operator's private address (as Envoy's admin
    /// <c>/stats/prometheus</c> and Kong's <c>status_listen</c>), where scrapers usually run without credentials; the
    /// series name client ids and API routes but never a token or secret. On the public listener those client ids would
    /// be published to the internet, so the admin key is required there.
    /// </remarks>
    public static WebApplication MapGatewayMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        var listener = app.Services.GetRequiredService<AdminListener>();
        Log.Configured(
            app.Logger,
            !options.Metrics.Enabled ? "off" : listener.IsConfigured ? "on, GET /metrics on the admin listener (no key)" : "on, GET /metrics on the public listener (admin key)",
            options.Tracing.Enabled ? $"on, sample ratio {options.Tracing.SampleRatio.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "off",
            OtlpConfigured(app.Configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") || OtlpConfigured(app.Configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ? "on" : "off (OTEL_EXPORTER_OTLP_ENDPOINT unset)");
        if (!options.Metrics.Enabled)
        {
            return app;
        }

        var key = app.Services.GetRequiredService<AdminAuthorization>();
        var https = app.Services.GetRequiredService<HttpsRequirement>();
        Func<RequestDelegate, RequestDelegate> protect = listener.IsConfigured
            ? listener.AdminOnly
            : endpoint => listener.Guard(https, key.Require(endpoint));
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .Add(endpoint => endpoint.RequestDelegate = protect(endpoint.RequestDelegate!));
        return app;
    }

    /// <summary>
    /// Every stream keeps at most <paramref name="cardinalityLimit"/> tag combinations; seconds-valued histograms get the
    /// semantic conventions' buckets (<see cref="SecondsBuckets"/>) whatever their meter advises.
    /// </summary>
    private static MetricStreamConfiguration View(Instrument instrument, int cardinalityLimit) =>
        instrument is Histogram<double> or Histogram<float> or Histogram<long> or Histogram<int> && instrument.Unit == "s"
            ? new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets, CardinalityLimit = cardinalityLimit }
            : new MetricStreamConfiguration { CardinalityLimit = cardinalityLimit };

    /// <summary>
    /// Whether a signal has an OTLP endpoint: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or the signal's own
    /// (<paramref name="signalVariable"/>), as an environment variable or any other configuration source. Without one
    /// nothing is exported (the exporter would otherwise send to its default, localhost:4317). The exporter reads the
    /// other <c>OTEL_*</c> settings (protocol, headers, timeout, export interval) itself.
    /// </summary>
    private static bool OtlpConfigured(IConfiguration configuration, string signalVariable) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration[signalVariable]);

    /// <summary>The OTEL resource's <c>service.version</c>: the assembly's informational version (e.g. <c>1.0.0+abc123</c>).</summary>
    private static string ServiceVersion =>
        typeof(TelemetryServices).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(TelemetryServices).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.TelemetryConfigured, Level = LogLevel.Information, Message = "Telemetry: metrics {Metrics}; tracing {Tracing}; OTLP export {Otlp}")]
        public static partial void Configured(ILogger logger, string metrics, string tracing, string otlp);
    }
}
