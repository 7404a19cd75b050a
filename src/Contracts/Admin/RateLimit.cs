using System.Text.Json.Serialization;

namespace FastGateway.Contracts.Admin;

/// <summary>
/// A client's quota on the protected APIs (client metadata <c>rate_limit</c>): at most <see cref="Requests"/> requests
/// per <see cref="WindowSeconds"/> seconds, as a token bucket of that many requests refilled continuously (a burst of
/// <see cref="Requests"/> at once, then <see cref="Requests"/> per <see cref="WindowSeconds"/> sustained). Over it, the
/// gateway answers 429 with <c>Retry-After</c> and forwards nothing. Counted per gateway node, in memory.
/// </summary>
/// <param name="Requests">Requests allowed per window: 1 to 1,000,000,000.</param>
/// <param name="WindowSeconds">The window, in seconds: 1 to 31,536,000 (365 days).</param>
public sealed record RateLimit(
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("window_seconds")] int WindowSeconds)
{
    /// <summary>Largest <see cref="Requests"/>.</summary>
    public const int MaxRequests = 1_000_000_000;

    /// <summary>Largest <see cref="WindowSeconds"/>: 365 days.</summary>
    public const int MaxWindowSeconds = 31_536_000;
}
