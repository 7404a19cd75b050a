using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FastGateway.Observability;

/// <summary>
/// The gateway's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/>: every
/// instrument and span the gateway emits hangs off these, so the OpenTelemetry SDK subscribes to the gateway with one
/// <c>AddMeter</c> and one <c>AddSource</c>.
/// </summary>
/// <remarks>
/// Static, not from <c>IMeterFactory</c>: the hot path records into instruments held in static fields, without a
/// service lookup. Instruments record nothing (and cost one branch) while no listener is enabled.
/// </remarks>
internal static class GatewayTelemetry
{
    /// <summary>The meter and activity source name: <c>FastGateway</c>.</summary>
    public const string Name = "FastGateway";

    /// <summary>The value of a tag outside its known set (the OpenTelemetry semantic conventions' word for it).</summary>
    public const string Other = "_OTHER";

    /// <summary>The tag of an outcome (of a token request, a token validation): <c>fastgateway.outcome</c>.</summary>
    public const string OutcomeTag = "fastgateway.outcome";

    /// <summary>The gateway's meter.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>The gateway's activity source (spans of proxied requests).</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>
    /// <c>fastgateway.rate_limit.rejections</c> ({request}): requests refused by a limit, tagged <c>fastgateway.limiter</c>
    /// (<c>client_quota</c>, <c>failure_limit</c>, <c>lockout</c>, <c>hashing</c>). Shared by the proxy (client quotas)
    /// and the authorization server's throttling.
    /// </summary>
    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "fastgateway.rate_limit.rejections", "{request}", "Requests refused by a rate limit, lockout or the hashing bound.");
}
