namespace FastGateway.Validation;

/// <summary>
/// One client's quota on the protected APIs (client metadata <c>rate_limit</c>): a token bucket of
/// <c>requests</c> tokens refilled continuously at <c>requests</c> per <c>window_seconds</c>, kept as GCRA
/// (the generic cell rate algorithm, ITU-T I.371): one 64-bit "theoretical arrival time" updated with one
/// compare-and-swap. Lock-free and allocation-free; per gateway node, in memory (reset by a restart).
/// </summary>
/// <remarks>
/// <para>
/// Why GCRA and not <c>System.Threading.RateLimiting</c>: its limiters return a <c>RateLimitLease</c> object per
/// acquisition and refill on a timer; the validation path must allocate nothing (the allocation gate's
/// <c>ValidateWithQuota</c>), and one word per client needs no timer. Why a bucket and not Apigee Quota's fixed window:
/// a fixed window hands a client its whole quota back at each window start (up to twice the quota across a boundary,
/// and every client's retries arriving together); the bucket refills one request every <c>window / requests</c>
/// seconds, so the spike arrest is built in, and <c>Retry-After</c> is exact: the time until the next token.
/// The same bucket shape as AWS API Gateway's usage plans and Envoy's local rate limit.
/// </para>
/// <code>
/// T = window / requests (ticks per token)   tolerance = window - T   tat = theoretical arrival time (starts at 0)
/// request at now: start = max(tat, now); start - now &gt; tolerance ? refuse (retry after start - now - tolerance)
///                                                                : CAS tat := start + T, allow
/// </code>
/// Time is the monotonic timestamp of the validator's <see cref="TimeProvider"/> in 100 ns ticks (<see cref="Now"/>),
/// so wall-clock changes neither refill nor drain a bucket. Contention: every node thread serving the same client CASes the
/// same cache line; a retry costs a few nanoseconds.
/// </remarks>
internal sealed class ClientQuota
{
    private readonly long _interval;
    private readonly long _tolerance;
    private long _theoreticalArrival;

    /// <summary>A full bucket.</summary>
    /// <param name="requests">Requests per window, 1 or more.</param>
    /// <param name="windowSeconds">The window in seconds, 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">Either is below 1.</exception>
    public ClientQuota(int requests, int windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        Requests = requests;
        WindowSeconds = windowSeconds;
        var window = windowSeconds * TimeSpan.TicksPerSecond;
        // At least one 100 ns tick per token: a finer rate (over 10 million requests a second for one client) is not limited.
        _interval = Math.Max(1, window / requests);
        _tolerance = window - _interval;
    }

    /// <summary>Requests per window.</summary>
    public int Requests { get; }

    /// <summary>The window, in seconds.</summary>
    public int WindowSeconds { get; }

    /// <summary>The monotonic clock of <paramref name="time"/> in 100 ns ticks (<see cref="TimeSpan.Ticks"/>), as this type counts.</summary>
    public static long Now(TimeProvider time) => time.GetElapsedTime(0, time.GetTimestamp()).Ticks;

    /// <summary>Takes one token if there is one.</summary>
    /// <param name="now">The current time from <see cref="Now"/>.</param>
    /// <returns>false when the bucket is empty: answer 429, forward nothing.</returns>
    public bool TryAcquire(long now)
    {
        while (true)
        {
            var tat = Volatile.Read(ref _theoreticalArrival);
            var start = Math.Max(tat, now);
            if (start - now > _tolerance)
            {
                return false;
            }

            // One CAS: a concurrent request that won makes this one re-read and decide again on the newer arrival time.
            if (Interlocked.CompareExchange(ref _theoreticalArrival, start + _interval, tat) == tat)
            {
                return true;
            }
        }
    }

    /// <summary>Whole seconds until a request would be allowed again, at least 1 (RFC 9110 section 10.2.3 <c>Retry-After</c>).</summary>
    /// <param name="now">The current time from <see cref="Now"/>.</param>
    public long RetryAfterSeconds(long now)
    {
        var wait = Volatile.Read(ref _theoreticalArrival) - now - _tolerance;
        return Math.Max(1, (wait + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
    }
}
