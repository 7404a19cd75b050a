using System.Threading.RateLimiting;
using FastGateway.Errors;
using FastGateway.Hosting;
using Microsoft.Extensions.Options;

namespace FastGateway.Throttling;

/// <summary>
/// The bound on password hashing (<see cref="HashingOptions"/>): a <see cref="ConcurrencyLimiter"/> with a bounded
/// first-come-first-served queue. Each PBKDF2 check costs about 0.2 s of CPU; unbounded, parallel guesses took every
/// core and a client_credentials token call went from 0.023 s to 2.49 s. With the bound, at most
/// <see cref="HashingOptions.MaxConcurrent"/> cores hash and the rest keep serving.
/// </summary>
internal sealed partial class HashingGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly int _retryAfter;
    private readonly ILogger<HashingGate> _logger;

    /// <summary>Reads <c>Throttling:Hashing</c>.</summary>
    public HashingGate(IOptions<ThrottlingOptions> options, ILogger<HashingGate> logger)
    {
        var hashing = options.Value.Hashing;
        MaxConcurrent = hashing.MaxConcurrent > 0 ? hashing.MaxConcurrent : Math.Max(1, Environment.ProcessorCount / 2);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = MaxConcurrent,
            QueueLimit = Math.Max(0, hashing.QueueLimit),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _retryAfter = Math.Max(1, hashing.RetryAfter);
        _logger = logger;
    }

    /// <summary>Password checks allowed to run at once.</summary>
    public int MaxConcurrent { get; }

    /// <summary>Waits for a hashing slot. Dispose the lease when the hash is done.</summary>
    /// <returns>The lease; when it is not acquired the queue was full: answer <see cref="Shed"/>.</returns>
    /// <exception cref="OperationCanceledException">The request was aborted while queued.</exception>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    /// <summary>The 503 for a request that found the queue full (logged).</summary>
    public ThrottleRefusal Shed()
    {
        Log.Shed(_logger, MaxConcurrent);
        return new ThrottleRefusal(503, ErrorCodes.TemporarilyUnavailable,
            $"too many password checks in progress; try again in {_retryAfter} seconds", _retryAfter);
    }

    /// <inheritdoc/>
    public void Dispose() => _limiter.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HashingShed, Level = LogLevel.Warning, Message = "Password check shed (503): {MaxConcurrent} running and the queue is full")]
        public static partial void Shed(ILogger logger, int maxConcurrent);
    }
}
