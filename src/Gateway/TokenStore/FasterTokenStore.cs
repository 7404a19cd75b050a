// One name for the store's session type, for every partial file of FasterTokenStore.
global using TokenSession = FASTER.core.ClientSession<
    FastGateway.TokenStore.TokenHash,
    FastGateway.TokenStore.TokenRecord,
    FastGateway.TokenStore.TokenUpdate,
    FastGateway.TokenStore.TokenRecord,
    FASTER.core.Empty,
    FastGateway.TokenStore.TokenFunctions>;
using System.Diagnostics;
using System.Numerics;
using System.Threading.Channels;
using FASTER.core;

namespace FastGateway.TokenStore;

/// <summary>
/// The embedded token store: a FASTER KV hybrid log of <see cref="TokenHash"/> -> <see cref="TokenRecord"/>
/// on local disk, recovered from its latest checkpoint at start.
/// </summary>
/// <remarks>
/// <para>
/// Reads (<see cref="TryGet"/>) run synchronously on pooled read sessions and allocate nothing when the
/// record is in memory. Writes (<see cref="AddAsync"/>, <see cref="RevokeAsync"/>) complete only once they
/// are durable: covered by a fold-over hybrid-log checkpoint, so they survive a process kill (kill -9).
/// Concurrent writers share one checkpoint (group commit):
/// </para>
/// <code>
///  writer task                          checkpoint loop (one task)
///  -----------                          --------------------------
///  write session from pool
///    Upsert / RMW (in the log)
///    commit = _nextCommit  (read after the write is in the log)
///  session back to pool
///  signal ----------------------------> wakes (signals coalesce)
///                                       current = swap(_nextCommit, new)    writers reading from here on
///                                       TakeHybridLogCheckpointAsync(FoldOver)  wait for the next one
///  await commit.Task ...........        flush log to tail, write metadata
///  completes  &lt;----------------------- success: current (and earlier failed ones) completed
/// </code>
/// <para>
/// A checkpoint that starts after a write is in the log covers it: the fold-over flushes the log up to the tail it
/// finds, and the record's version is at most the checkpoint's. We do not use FASTER's per-session commit points
/// (<c>WaitForCommitAsync</c>): when the in-memory log is full, a synchronous upsert waits for a flush with its epoch
/// suspended, a checkpoint can pass meanwhile, and the upsert then lands after the checkpoint's flush while its
/// session still reports it committed. Measured: about 1 run in 20 of <c>FasterTokenStoreCrashTests</c> lost 2 to 5
/// acknowledged writes that way.
/// </para>
/// <para>
/// Only the FASTER call itself is serialized (a one-slot gate, microseconds): FASTER's synchronous write call
/// spins when the in-memory log is full, and many spinning writers starved the thread pool that completes
/// the flushes they wait for. The commit waits, which take milliseconds, run concurrently and hold no session.
/// Old checkpoints are deleted by FASTER (<c>RemoveOutdatedCheckpoints</c>).
/// </para>
/// </remarks>
internal sealed partial class FasterTokenStore : IAsyncDisposable
{
    private readonly TokenStoreOptions _options;
    private readonly ILogger<FasterTokenStore> _logger;
    private readonly IDevice _logDevice;
    private readonly FasterKV<TokenHash, TokenRecord> _store;
    private readonly ReadSlot[] _readSlots;
    private readonly Channel<TokenSession> _writeSessions;
    private readonly TokenSession[] _allWriteSessions;
    private readonly Channel<bool> _commitRequests;
    // Completed by the first checkpoint that starts after it is read; swapped by TakeGroupCommitAsync.
    private TaskCompletionSource _nextCommit = NewCommit();
    // Commits whose checkpoint failed: completed by the next one that succeeds. Touched only by the checkpoint loop
    // (and by DisposeAsync once the loop has ended).
    private readonly List<TaskCompletionSource> _uncommitted = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private Task _checkpointLoop = Task.CompletedTask;
    private readonly long _segmentSizeBytes;
    private volatile bool _isReady;
    private int _disposed;

    private FasterTokenStore(TokenStoreOptions options, ILogger<FasterTokenStore> logger)
    {
        _options = options;
        _logger = logger;

        var hlogFolder = System.IO.Path.Combine(options.Path, "hlog");
        var checkpointFolder = System.IO.Path.Combine(options.Path, "checkpoints");
        Directory.CreateDirectory(hlogFolder);
        Directory.CreateDirectory(checkpointFolder);

        _segmentSizeBytes = Math.Max((long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, options.SegmentSizeBytes)), PageSizeFor(options.MemorySizeBytes));
        // recoverDevice: pick up the segment files a previous run left.
        _logDevice = Devices.CreateLogDevice(System.IO.Path.Combine(hlogFolder, "tokens.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        try
        {
            var settings = new FasterKVSettings<TokenHash, TokenRecord>
            {
                IndexSize = (long)options.IndexBuckets * 64,
                LogDevice = _logDevice,
                MemorySize = options.MemorySizeBytes,
                PageSize = PageSizeFor(options.MemorySizeBytes),
                SegmentSize = _segmentSizeBytes,
                CheckpointDir = checkpointFolder,
                RemoveOutdatedCheckpoints = true,
                // Our comparer: FASTER's default one is chosen by reflection (see FASTER.TrimSuppressions.xml).
                EqualityComparer = TokenHashComparer.Instance,
                // Recovery is explicit (RecoverAsync) so that a damaged checkpoint fails the start instead of
                // silently yielding an empty store.
                TryRecoverLatest = false,
            };
            RequireUnmanaged<TokenHash, TokenRecord, TokenUpdate>();
            if (options.ReadCacheMemorySizeBytes > 0)
            {
                // Disk reads are copied into this cache, so a token used again is read from memory (see TokenStoreOptions).
                settings.ReadCacheEnabled = true;
                settings.ReadCacheMemorySize = options.ReadCacheMemorySizeBytes;
                settings.ReadCachePageSize = PageSizeFor(options.ReadCacheMemorySizeBytes);
            }

            _store = new FasterKV<TokenHash, TokenRecord>(settings);
        }
        catch
        {
            _logDevice.Dispose();
            throw;
        }

        var readCount = options.ReadSessions > 0 ? options.ReadSessions : Math.Max(4, 2 * Environment.ProcessorCount);
        _readSlots = new ReadSlot[readCount];
        _allWriteSessions = new TokenSession[Math.Max(1, options.WriteSessions)];
        _writeSessions = Channel.CreateBounded<TokenSession>(_allWriteSessions.Length);
        // Capacity 1, drop when full: any number of writers waiting collapse into one pending checkpoint request.
        _commitRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
    }

    /// <summary>
    /// Whether the store has recovered (or started fresh) and serves reads and writes; false again once
    /// <see cref="DisposeAsync"/> has started. Backs <c>GET /readyz</c>.
    /// </summary>
    public bool IsReady => _isReady;

    /// <summary>Version of the checkpoint the store recovered, or -1 for a fresh store.</summary>
    public long RecoveredVersion { get; private set; } = -1;

    /// <summary>
    /// Opens the store under <see cref="TokenStoreOptions.Path"/> (creating the folder), recovers its latest
    /// checkpoint if there is one (else starts empty) and starts the group-commit loop.
    /// </summary>
    /// <param name="options">Folder and sizes.</param>
    /// <param name="logger">Logger for recovery and checkpoint events.</param>
    /// <param name="cancellationToken">Cancels recovery.</param>
    /// <returns>A ready store (<see cref="IsReady"/> is true).</returns>
    /// <exception cref="ArgumentException">An option is out of range (memory or a read cache below 64 KiB, index buckets not a power of two).</exception>
    /// <exception cref="IOException">The folder cannot be created or the log files opened.</exception>
    /// <exception cref="FasterException">A checkpoint exists but cannot be recovered (the store refuses to start empty over it).</exception>
    public static async Task<FasterTokenStore> OpenAsync(TokenStoreOptions options, ILogger<FasterTokenStore> logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        if (options.MemorySizeBytes < MinMemorySizeBytes)
        {
            throw new ArgumentException($"MemorySizeBytes must be at least {MinMemorySizeBytes} bytes.", nameof(options));
        }

        if (options.ReadCacheMemorySizeBytes is > 0 and < MinMemorySizeBytes)
        {
            throw new ArgumentException($"ReadCacheMemorySizeBytes must be 0 (off) or at least {MinMemorySizeBytes} bytes.", nameof(options));
        }

        if (options.IndexBuckets <= 0 || !BitOperations.IsPow2(options.IndexBuckets))
        {
            throw new ArgumentException("IndexBuckets must be a positive power of two.", nameof(options));
        }

        var store = new FasterTokenStore(options, logger);
        try
        {
            await store.RecoverAsync(cancellationToken).ConfigureAwait(false);
            store.StartSessions();
            store._checkpointLoop = Task.Run(store.RunCheckpointLoopAsync, CancellationToken.None);
            store._isReady = true;
            Observability.TokenStoreMetrics.Track(store);
            return store;
        }
        catch
        {
            store.DisposeResources();
            throw;
        }
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // A default token means no complete checkpoint (fresh folder, or killed before the first commit:
        // then nothing was ever acknowledged).
        _store.GetLatestCheckpointTokens(out var hlogToken, out _);
        if (hlogToken == default)
        {
            Log.FreshStore(_logger, _options.Path);
            return;
        }

        RecoveredVersion = await _store.RecoverAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.Recovered(_logger, hlogToken, RecoveredVersion, Stopwatch.GetElapsedTime(started).TotalMilliseconds, _options.Path);
    }

    private void StartSessions()
    {
        for (var i = 0; i < _readSlots.Length; i++)
        {
            _readSlots[i] = new ReadSlot(NewSession());
        }

        for (var i = 0; i < _allWriteSessions.Length; i++)
        {
            var session = NewSession();
            _allWriteSessions[i] = session;
            _writeSessions.Writer.TryWrite(session);
        }
    }

    private TokenSession NewSession() =>
        _store.For(default(TokenFunctions)).NewSession<TokenFunctions>();

    /// <summary>
    /// Stops the group-commit loop, waits (up to 5 seconds) for writes inside FASTER to hand back their sessions,
    /// takes a final checkpoint that commits them, then disposes the sessions, the store and the log device.
    /// Writers that started before see their commit complete (or fail with <see cref="FasterException"/> if that
    /// checkpoint fails); later calls throw <see cref="ObjectDisposedException"/>. Not safe to call while
    /// <see cref="TryGet"/> calls are still running.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _isReady = false;
        Observability.TokenStoreMetrics.Untrack(this);
        _commitRequests.Writer.TryComplete();
        await _checkpointLoop.ConfigureAwait(false);

        // Take every write session back: then every write is in the log and its writer holds its commit to wait on.
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            for (var i = 0; i < _allWriteSessions.Length; i++)
            {
                await _writeSessions.Reader.ReadAsync(drain.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            Log.WritersStillWaiting(_logger);
        }

        // Retried: a compaction's checkpoint may still be running (TakeGroupCommitAsync then returns false at once).
        var committed = _readSlots.Length == 0 || _readSlots[0] is null;
        for (var attempt = 0; attempt < 20 && !committed; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
            }

            committed = await TakeGroupCommitAsync().ConfigureAwait(false);
        }

        if (!committed)
        {
            var failed = new FasterException("The token store closed before the write was committed (its last checkpoint failed).");
            foreach (var commit in _uncommitted)
            {
                commit.TrySetException(failed);
            }
        }

        // Read after the final checkpoint started: only a writer still inside FASTER past the drain timeout.
        _nextCommit.TrySetException(new ObjectDisposedException(nameof(FasterTokenStore)));
        DisposeResources();
    }

    private void DisposeResources()
    {
        foreach (var slot in _readSlots)
        {
            slot?.Session.Dispose();
        }

        foreach (var session in _allWriteSessions)
        {
            session?.Dispose();
        }

        _store.Dispose();
        _logDevice.Dispose();
        _writeGate.Dispose();
        _maintenanceGate.Dispose();
    }

    private const long MinMemorySizeBytes = 64 * 1024;

    // Pages of 1/16 of the memory, between 16 KiB and 4 MiB: small enough that a test-sized log still has
    // several pages in memory, large enough that a 64 MiB log is not thousands of tiny flushes.
    private static long PageSizeFor(long memorySizeBytes) =>
        Math.Clamp((long)BitOperations.RoundUpToPowerOf2((ulong)memorySizeBytes) / 32, 16 * 1024, 4 * 1024 * 1024);

    // Unmanaged key, value and session input keep FASTER on its BlittableAllocator, clear of its reflection paths
    // (generic allocator, DataContractSerializer, MakeGenericType): FASTER.TrimSuppressions.xml relies on it, and the
    // constraints make a reference field in any of the three a compile error.
    private static void RequireUnmanaged<TKey, TValue, TInput>()
        where TKey : unmanaged
        where TValue : unmanaged
        where TInput : unmanaged
    {
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>A pooled read session and its lock (0 free, 1 taken), and the lookups made on it (written only by its holder).</summary>
    private sealed class ReadSlot(TokenSession session)
    {
        public readonly TokenSession Session = session;
        public int Taken;
        public long MemoryLookups;
        public long DiskLookups;
    }

    private static TaskCompletionSource NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
