using FASTER.core;

namespace FastGateway.TokenStore;

internal sealed partial class FasterTokenStore
{
    /// <summary>
    /// Inserts or replaces a token's record and completes once the write is durable (in a committed
    /// checkpoint: it survives kill -9). Typically one group commit, a few milliseconds.
    /// </summary>
    /// <param name="key">The token's hash.</param>
    /// <param name="value">The record.</param>
    /// <param name="cancellationToken">Stops waiting; the write may still become durable.</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the commit was confirmed.</exception>
    public async ValueTask AddAsync(TokenHash key, TokenRecord value, CancellationToken cancellationToken)
    {
        _ = await WriteDurablyAsync(new UpsertWrite(key, value), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks a token <see cref="TokenState.Revoked"/> (RFC 7009) and completes once that is durable.
    /// </summary>
    /// <param name="key">The token's hash.</param>
    /// <param name="cancellationToken">Stops waiting; the revocation may still become durable.</param>
    /// <returns>false when the key is unknown (nothing written).</returns>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the commit was confirmed.</exception>
    public async ValueTask<bool> RevokeAsync(TokenHash key, CancellationToken cancellationToken)
    {
        var (status, _) = await WriteDurablyAsync(new SetStateWrite(key, new TokenUpdate(TokenState.Revoked, 0)), cancellationToken).ConfigureAwait(false);
        return status.Found;
    }

    /// <summary>
    /// Atomically marks a record <see cref="TokenState.Consumed"/> (an authorization code redeemed, a refresh
    /// token rotated) and returns it as it was <em>before</em>, once the change is durable. Two concurrent
    /// callers cannot both see <see cref="TokenState.Active"/>: that is how single use is enforced
    /// (RFC 6749 section 4.1.2; refresh-token reuse detection).
    /// </summary>
    /// <param name="key">The code's or refresh token's hash.</param>
    /// <param name="now">Consumption time, Unix seconds (kept from the first consumption).</param>
    /// <param name="cancellationToken">Stops waiting; the change may still become durable.</param>
    /// <returns>Found false when the key is unknown; otherwise the record before this call.</returns>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the commit was confirmed.</exception>
    public async ValueTask<(bool Found, TokenRecord Before)> ConsumeAsync(TokenHash key, long now, CancellationToken cancellationToken)
    {
        var (status, before) = await WriteDurablyAsync(new SetStateWrite(key, new TokenUpdate(TokenState.Consumed, now)), cancellationToken).ConfigureAwait(false);
        return (status.Found, before);
    }

    /// <summary>
    /// Deletes records (expired-token removal) and completes once the deletes are durable. FASTER writes a
    /// tombstone per key; log compaction (<see cref="CompactAsync"/>) later drops both.
    /// </summary>
    /// <param name="keys">Keys to delete; unknown keys get a harmless tombstone, so callers pass keys they just saw.</param>
    /// <param name="cancellationToken">Stops waiting; the deletes may still become durable.</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public ValueTask DeleteManyAsync(IReadOnlyList<TokenHash> keys, CancellationToken cancellationToken) =>
        ApplyInBatchesAsync(keys, BatchOperation.Delete, cancellationToken);

    /// <summary>
    /// Marks many records <see cref="TokenState.Revoked"/> (operator bulk revocation) and completes once that is
    /// durable. Same effect per key as <see cref="RevokeAsync"/>, in batches that share one commit each.
    /// </summary>
    /// <param name="keys">Keys to revoke; unknown keys are skipped by FASTER (RMW never creates a record).</param>
    /// <param name="cancellationToken">Stops waiting; the revocations may still become durable.</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public ValueTask RevokeManyAsync(IReadOnlyList<TokenHash> keys, CancellationToken cancellationToken) =>
        ApplyInBatchesAsync(keys, BatchOperation.Revoke, cancellationToken);

    private async ValueTask ApplyInBatchesAsync(IReadOnlyList<TokenHash> keys, BatchOperation operation, CancellationToken cancellationToken)
    {
        // Batches keep each stay inside the write gate short (microseconds per key) while one commit covers many keys.
        const int BatchSize = 256;
        for (var start = 0; start < keys.Count; start += BatchSize)
        {
            _ = await WriteDurablyAsync(new BatchWrite(keys, start, Math.Min(BatchSize, keys.Count - start), operation), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The one durable-write path: apply <paramref name="write"/> on an exclusively held write session, take the
    /// commit that the next checkpoint to start will complete, hand the session back, ask for a commit and wait.
    /// </summary>
    private async ValueTask<(Status Status, TokenRecord Output)> WriteDurablyAsync<TWrite>(TWrite write, CancellationToken cancellationToken)
        where TWrite : struct, IStoreWrite
    {
        ThrowIfDisposed();
        Status status;
        var output = default(TokenRecord);
        Task commit;
        var session = await _writeSessions.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            // One writer at a time inside FASTER's synchronous write call: when the in-memory log is full, an
            // upsert spins on its thread until pages are flushed and evicted, and those flushes complete on
            // the thread pool. Many writers spinning at once starved the pool (measured: 32 concurrent writers
            // with a full 1 MiB log stalled at ~1 write/s; gated, 32,000 durable writes took ~4 s). The call
            // itself takes microseconds; the commit wait below stays concurrent, so group commit is unchanged.
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                status = write.Apply(session, ref output);
            }
            finally
            {
                _writeGate.Release();
            }

            if (status.IsPending)
            {
                // A disk-resident record (RMW) or a full in-memory log (the write waits for pages to be flushed
                // and evicted). Awaited, not blocked on: a blocked thread-pool thread can starve the very I/O
                // completions and checkpoint loop the write is waiting for.
                (status, output) = await CompletePendingWriteAsync(session, output).ConfigureAwait(false);
            }

            // Read only now that the write is in the log, and before the session goes back: DisposeAsync drains the
            // sessions, then takes its final checkpoint, so it commits every write that got this far.
            commit = Volatile.Read(ref _nextCommit).Task;
        }
        finally
        {
            _writeSessions.Writer.TryWrite(session);
        }

        if (status.IsFaulted)
        {
            throw new FasterException("The token store could not write a record (log I/O error).");
        }

        if (!write.Wrote(status))
        {
            return (status, output);
        }

        _commitRequests.Writer.TryWrite(true);
        await commit.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (status, output);
    }

    private static async ValueTask<(Status Status, TokenRecord Output)> CompletePendingWriteAsync(TokenSession session, TokenRecord output)
    {
        var outputs = await session.CompletePendingWithOutputsAsync().ConfigureAwait(false);
        var status = default(Status);
        try
        {
            while (outputs.Next())
            {
                status = outputs.Current.Status;
                output = outputs.Current.Output;
            }
        }
        finally
        {
            outputs.Dispose();
        }

        return (status, output);
    }

    /// <summary>
    /// The group-commit loop: sleeps until a writer asks for a commit, then takes one checkpoint for everything
    /// written so far. Requests made while a checkpoint runs coalesce into one more.
    /// </summary>
    private async Task RunCheckpointLoopAsync()
    {
        var requests = _commitRequests.Reader;
        while (await requests.WaitToReadAsync().ConfigureAwait(false))
        {
            requests.TryRead(out _);
            if (!await TakeGroupCommitAsync().ConfigureAwait(false))
            {
                // The waiting writers still need a checkpoint; pause so a persistent failure is not a busy loop.
                _commitRequests.Writer.TryWrite(true);
                await Task.Delay(TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Takes one fold-over hybrid-log checkpoint and, when it commits, completes every commit handed out before it
    /// started (see the class remarks for why that covers their writes). Called by the checkpoint loop, and once by
    /// <see cref="DisposeAsync"/> after the loop has ended.
    /// </summary>
    /// <returns>false when the checkpoint failed (logged) or another checkpoint (compaction's) was running.</returns>
    private async Task<bool> TakeGroupCommitAsync()
    {
        _uncommitted.Add(Interlocked.Exchange(ref _nextCommit, NewCommit()));
        try
        {
            var (success, token) = await _store.TakeHybridLogCheckpointAsync(CheckpointType.FoldOver).ConfigureAwait(false);
            if (!success)
            {
                return false;
            }

            Log.CheckpointTaken(_logger, token, _store.CurrentVersion);
            foreach (var commit in _uncommitted)
            {
                commit.TrySetResult();
            }

            _uncommitted.Clear();
            return true;
        }
#pragma warning disable CA1031 // Writers wait on this: any checkpoint failure is logged and retried, never thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(_logger, ex);
            return false;
        }
    }

    /// <summary>One write operation, as a struct so the generic write path is specialized per operation.</summary>
    private interface IStoreWrite
    {
        /// <summary>Applies the operation(s); a pending status is completed by the caller.</summary>
        Status Apply(TokenSession session, ref TokenRecord output);

        bool Wrote(Status status);
    }

    private readonly struct UpsertWrite(TokenHash key, TokenRecord value) : IStoreWrite
    {
        public Status Apply(TokenSession session, ref TokenRecord output)
        {
            var k = key;
            var v = value;
            return session.Upsert(ref k, ref v);
        }

        public bool Wrote(Status status) => true;
    }

    private readonly struct SetStateWrite(TokenHash key, TokenUpdate update) : IStoreWrite
    {
        public Status Apply(TokenSession session, ref TokenRecord output)
        {
            var k = key;
            var input = update;
            return session.RMW(ref k, ref input, ref output);
        }

        // RMW never creates records: NotFound means nothing was written.
        public bool Wrote(Status status) => status.Found;
    }

    private enum BatchOperation : byte
    {
        Delete,
        Revoke,
    }

    /// <summary>Several deletes or revocations on one session, committed together.</summary>
    private readonly struct BatchWrite(IReadOnlyList<TokenHash> keys, int start, int count, BatchOperation operation) : IStoreWrite
    {
        public Status Apply(TokenSession session, ref TokenRecord output)
        {
            var status = default(Status);
            var pending = default(Status);
            var input = new TokenUpdate(TokenState.Revoked, 0);
            for (var i = start; i < start + count; i++)
            {
                var k = keys[i];
                status = operation == BatchOperation.Delete
                    ? session.Delete(ref k)
                    : session.RMW(ref k, ref input, ref output);
                if (status.IsPending)
                {
                    pending = status;
                }
                if (status.IsFaulted)
                {
                    return status;
                }
            }

            // Pending operations (disk-resident records for RMW) are completed by the caller before the commit wait.
            return pending.IsPending ? pending : status;
        }

        // Always commit: some keys of the batch may have been written even when the last was not found.
        public bool Wrote(Status status) => true;
    }
}
