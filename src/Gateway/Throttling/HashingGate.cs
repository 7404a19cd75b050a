using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.RateLimiting;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Users;
using Microsoft.Extensions.Options;

namespace FastGateway.Throttling;

/// <summary>
/// The bound on password hashing (<see cref="HashingOptions"/>): a <see cref="ConcurrencyLimiter"/> with a bounded
/// first-come-first-served queue admits at most <see cref="MaxConcurrent"/> checks at once, and they run on as many
/// dedicated threads of lowered scheduling priority (<see cref="HashingOptions.Nice"/>). Each PBKDF2 check costs about
/// 0.2 s of CPU; unbounded, parallel guesses took every core and a client_credentials token call went from 0.023 s to
/// 2.49 s.
/// </summary>
/// <remarks>
/// <code>
/// VerifyAsync ──► ConcurrencyLimiter (MaxConcurrent running, QueueLimit waiting) ── queue full ──► null (answer <see cref="Shed"/>: 503)
///                       │ slot
///                       ▼
///                 hashing thread (nice) ──► PasswordHasher.Verify ──► result, continued on the thread pool
/// </code>
/// Why dedicated threads: on the thread pool a check holds a worker for 0.2 s (half the pool's minimum on two cores),
/// and a busy thread of the same priority as the request threads takes its fair share of the process's CPU from them;
/// a niced thread yields to every request thread that wakes up, so hashing uses what is left over.
/// </remarks>
internal sealed partial class HashingGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly BlockingCollection<HashWork> _work = [];
    private readonly int _retryAfter;
    private readonly int _nice;
    private readonly ILogger<HashingGate> _logger;

    /// <summary>Reads <c>Throttling:Hashing</c> and starts the hashing threads.</summary>
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
        _nice = Math.Clamp(hashing.Nice, 0, 19);
        _logger = logger;
        for (var i = 0; i < MaxConcurrent; i++)
        {
            new Thread(Work) { IsBackground = true, Name = "FastGateway PBKDF2 " + i }.Start();
        }
    }

    /// <summary>Password checks allowed to run at once (as many hashing threads).</summary>
    public int MaxConcurrent { get; }

    /// <summary>Checks a password (<see cref="PasswordHasher.Verify"/>) once a hashing slot is free.</summary>
    /// <param name="storedHash">The stored hash, or null for an unknown user (the work is done anyway).</param>
    /// <param name="password">The password presented.</param>
    /// <param name="cancellationToken">The request's abort token: a queued check is dropped.</param>
    /// <returns>The check's result, or null when the queue was full (answer <see cref="Shed"/>).</returns>
    /// <exception cref="OperationCanceledException">The request was aborted while queued.</exception>
    public async Task<bool?> VerifyAsync(string? storedHash, string password, CancellationToken cancellationToken)
    {
        using var slot = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!slot.IsAcquired)
        {
            return null;
        }

        var work = new HashWork(storedHash, password);
        _work.Add(work, CancellationToken.None);
        return await work.Result.Task.ConfigureAwait(false);
    }

    /// <summary>The 503 for a request that found the queue full (logged).</summary>
    public ThrottleRefusal Shed()
    {
        Log.Shed(_logger, MaxConcurrent);
        Observability.ThrottlingMetrics.Rejected(Observability.ThrottlingMetrics.Hashing);
        return new ThrottleRefusal(503, ErrorCodes.TemporarilyUnavailable,
            $"too many password checks in progress; try again in {_retryAfter} seconds", _retryAfter);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _work.CompleteAdding();
        _limiter.Dispose();
    }

    private void Work()
    {
        LowerPriority();
        foreach (var work in _work.GetConsumingEnumerable())
        {
            try
            {
                work.Result.SetResult(PasswordHasher.Verify(work.StoredHash, work.Password));
            }
            catch (Exception exception)
            {
                work.Result.SetException(exception);
            }
        }
    }

    private void LowerPriority()
    {
        if (_nice == 0)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            // Thread.Priority does nothing on Linux (dotnet/runtime#91165); the nice value is per thread there, and
            // who = 0 names the calling thread. Raising it needs no privilege. A failure only leaves the default.
            _ = NativeMethods.SetPriority(NativeMethods.PrioProcess, 0, _nice);
        }
        else
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
        }
    }

    /// <summary>One queued check; the result continues on the thread pool, never on the niced hashing thread.</summary>
    private sealed class HashWork(string? storedHash, string password)
    {
        public string? StoredHash { get; } = storedHash;

        public string Password { get; } = password;

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static class NativeMethods
    {
        public const int PrioProcess = 0;

        // Blittable signature: nothing to marshal, so DllImport is as AOT-safe as LibraryImport (which needs unsafe code).
        [DllImport("libc", EntryPoint = "setpriority")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetPriority(int which, uint who, int priority);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HashingShed, Level = LogLevel.Warning, Message = "Password check shed (503): {MaxConcurrent} running and the queue is full")]
        public static partial void Shed(ILogger logger, int maxConcurrent);
    }
}
