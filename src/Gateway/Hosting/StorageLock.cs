using System.Diagnostics;
using System.Globalization;

namespace FastGateway.Hosting;

/// <summary>
/// An exclusive lock on the <c>Storage:Path</c> folder for the life of the process: two gateways on
/// one FASTER folder would corrupt it. The OS drops the lock when the process dies, even by kill -9.
/// </summary>
/// <remarks>
/// During a swap (docs/deployment.md) the new process waits for the lock while the old one drains; it announces itself
/// with a marker file beside the lock (<see cref="SuccessorWaiting"/>), which the old process reads on SIGTERM to drain
/// keep-alive connections first (<see cref="ShutdownDrain"/>).
/// </remarks>
internal sealed partial class StorageLock : IDisposable
{
    private const string LockFile = ".lock";
    private const string SuccessorFile = ".lock.successor";

    // The lock is a non-blocking flock(2) underneath (FileShare.None); polling keeps it portable. 50 ms is noise
    // beside the old process's drain and the store's recovery.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly FileStream _lock;

    private StorageLock(FileStream @lock) => _lock = @lock;

    /// <summary>
    /// Creates the folder if needed and locks it, waiting up to <paramref name="timeout"/> for another process to let it go
    /// (logged once, event 1900).
    /// </summary>
    /// <param name="path">The <c>Storage:Path</c> folder.</param>
    /// <param name="timeout">How long to wait (<c>Storage:LockTimeout</c>); zero fails at once.</param>
    /// <param name="logger">Where the wait is logged; null logs nothing.</param>
    /// <exception cref="InvalidOperationException">Another process still holds the folder after <paramref name="timeout"/>.</exception>
    public static StorageLock Acquire(string path, TimeSpan timeout, ILogger? logger)
    {
        Directory.CreateDirectory(path);
        if (TryOpen(path, out var first) is { } acquired)
        {
            return acquired;
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw InUse(path, first, timeout);
        }

        var successor = Path.Combine(path, SuccessorFile);
        File.WriteAllText(successor, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            if (logger is not null)
            {
                Log.Waiting(logger, Path.GetFullPath(path), timeout.TotalSeconds);
            }

            var waited = Stopwatch.StartNew();
            while (true)
            {
                Thread.Sleep(PollInterval);
                if (TryOpen(path, out var last) is { } taken)
                {
                    if (logger is not null)
                    {
                        Log.Acquired(logger, waited.ElapsedMilliseconds);
                    }

                    return taken;
                }

                if (waited.Elapsed >= timeout)
                {
                    throw InUse(path, last, timeout);
                }
            }
        }
        finally
        {
            File.Delete(successor);
        }
    }

    /// <summary>Whether another process is waiting for this data folder (<see cref="Acquire(string, TimeSpan, ILogger?)"/>).</summary>
    public static bool SuccessorWaiting(string path) => File.Exists(Path.Combine(path, SuccessorFile));

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

    private static StorageLock? TryOpen(string path, out IOException? error)
    {
        try
        {
            error = null;
            return new StorageLock(new FileStream(Path.Combine(path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            error = e;
            return null;
        }
    }

    private static InvalidOperationException InUse(string path, IOException? cause, TimeSpan timeout) => new(
        timeout > TimeSpan.Zero
            ? $"Storage:Path '{Path.GetFullPath(path)}' is in use by another process (waited {timeout.TotalSeconds} s, Storage:LockTimeout)."
            : $"Storage:Path '{Path.GetFullPath(path)}' is in use by another process.",
        cause);

    private static partial class Log
    {
        [LoggerMessage(EventIds.StorageLockWaiting, LogLevel.Warning, "Storage:Path '{Path}' is locked by another process; waiting up to {TimeoutSeconds} s for it (Storage:LockTimeout). Connections queue meanwhile.")]
        public static partial void Waiting(ILogger logger, string path, double timeoutSeconds);

        [LoggerMessage(EventIds.StorageLockAcquired, LogLevel.Information, "Took the data folder's lock after waiting {ElapsedMilliseconds} ms.")]
        public static partial void Acquired(ILogger logger, long elapsedMilliseconds);
    }
}
