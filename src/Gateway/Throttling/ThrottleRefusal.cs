using System.Globalization;
using FastGateway.Errors;

namespace FastGateway.Throttling;

/// <summary>
/// A credential check refused before it ran: 429 (a failure limit or a lockout) or 503 (the hashing queue is full),
/// with <c>Retry-After</c> in seconds (RFC 9110 section 10.2.3) and the RFC 6749 section 5.2 JSON body.
/// </summary>
/// <param name="StatusCode">429 or 503.</param>
/// <param name="Error"><see cref="ErrorCodes.TooManyRequests"/>, <see cref="ErrorCodes.TemporarilyLocked"/> or <see cref="ErrorCodes.TemporarilyUnavailable"/>.</param>
/// <param name="Description">What was refused and why; never names a secret.</param>
/// <param name="RetryAfterSeconds">Seconds to wait before trying again (at least 1).</param>
internal readonly record struct ThrottleRefusal(int StatusCode, string Error, string Description, int RetryAfterSeconds)
{
    /// <summary>Writes the refusal: status, <c>Retry-After</c>, <c>Cache-Control: no-store</c>, JSON body.</summary>
    public Task WriteAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ErrorResponse.WriteAsync(context, StatusCode, Error, Description);
    }

    /// <summary>Whole seconds, rounded up, at least 1.</summary>
    internal static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
