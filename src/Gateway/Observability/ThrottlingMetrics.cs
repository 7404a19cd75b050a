namespace FastGateway.Observability;

/// <summary>
/// The authorization server's share of <see cref="GatewayTelemetry.RateLimitRejections"/>: credential checks refused by a
/// failure limit (429 <c>too_many_requests</c>), a username lockout (429 <c>temporarily_locked</c>) or the bounded hashing
/// queue (503 <c>temporarily_unavailable</c>), tagged <c>fastgateway.limiter</c>.
/// </summary>
internal static class ThrottlingMetrics
{
    /// <summary>The limiter tag of <see cref="GatewayTelemetry.RateLimitRejections"/>.</summary>
    public const string LimiterTag = "fastgateway.limiter";

    /// <summary>A failure limit per address, client or username (<c>Throttling:Address</c>, <c>:Client</c>, <c>:Username</c>, <c>:AdminAddress</c>).</summary>
    public const string FailureLimit = "failure_limit";

    /// <summary>A locked username (<c>Throttling:Lockout</c>).</summary>
    public const string Lockout = "lockout";

    /// <summary>The hashing queue was full (<c>Throttling:Hashing</c>).</summary>
    public const string Hashing = "hashing";

    /// <summary>Counts one rejection by <paramref name="limiter"/> (<see cref="FailureLimit"/>, <see cref="Lockout"/> or <see cref="Hashing"/>).</summary>
    public static void Rejected(string limiter)
    {
        if (GatewayTelemetry.RateLimitRejections.Enabled)
        {
            GatewayTelemetry.RateLimitRejections.Add(1, new KeyValuePair<string, object?>(LimiterTag, limiter));
        }
    }
}
