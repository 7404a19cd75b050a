using System.Numerics;
using FASTER.core;

namespace FastGateway.TokenStore;

/// <summary>Receives one record of a log scan; return false to stop.</summary>
/// <param name="key">The record's key.</param>
/// <param name="record">The record as scanned (possibly an older version: check with <see cref="FasterTokenStore.TryGetLatest"/>).</param>
/// <param name="address">The record's logical log address.</param>
internal delegate bool TokenRecordVisitor(in TokenHash key, in TokenRecord record, long address);

internal sealed partial class FasterTokenStore
{
    // Scans and compaction exclude each other: compaction shifts the log's begin address under a scan.
    private readonly SemaphoreSlim _maintenanceGate = new(1, 1);

    /// <summary>
    /// Walks the hybrid log (<c>Log.Scan</c> from <c>BeginAddress</c> to the tail as it was at the start) and
    /// calls <paramref name="visitor"/> for every record that is not a tombstone. The log holds every version of
    /// a key: an older version is visited too, before the newer one. Runs synchronously (disk reads for the
    /// part of the log not in memory); concurrent reads and writes continue.
    /// </summary>
    /// <param name="visitor">Called per record, never for tombstones (deleted keys).</param>
    /// <param name="cancellationToken">Checked between records.</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task ScanAsync(TokenRecordVisitor visitor, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _maintenanceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var iterator = _store.Log.Scan(_store.Log.BeginAddress, _store.Log.TailAddress);
            while (iterator.GetNext(out var recordInfo))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (recordInfo.Tombstone)
                {
                    continue;
                }

                if (!visitor(in iterator.GetKey(), in iterator.GetValue(), iterator.CurrentAddress))
                {
                    break;
                }
            }
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    /// <summary>
    /// Like <see cref="TryGet"/>, also returning the logical address of the key's latest version, so a scan can tell
    /// the current version of a record from older ones.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="FasterException">FASTER failed the read (I/O error on the log).</exception>
    public bool TryGetLatest(in TokenHash key, out TokenRecord value, out long address)
    {
        ThrowIfDisposed();
        var slot = AcquireReadSlot();
        try
        {
            var k = key;
            var input = default(TokenUpdate);
            var options = default(ReadOptions);
            value = default;
            var status = slot.Session.Read(ref k, ref input, ref value, ref options, out var metadata, Empty.Default, 0);
            address = metadata.Address;
            if (status.IsPending)
            {
                slot.Session.CompletePendingWithOutputs(out var outputs, wait: true);
                try
                {
                    while (outputs.Next())
                    {
                        status = outputs.Current.Status;
                        value = outputs.Current.Output;
                        address = outputs.Current.RecordMetadata.Address;
                    }
                }
                finally
                {
                    outputs.Dispose();
                }
            }

            if (status.IsFaulted)
            {
                ThrowReadFaulted();
            }

            return status.Found;
        }
        finally
        {
            Volatile.Write(ref slot.Taken, 0);
        }
    }

    /// <summary>Bytes the store occupies on disk: every file under <see cref="TokenStoreOptions.Path"/> (log segments and checkpoints).</summary>
    public long DiskSizeBytes()
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(_options.Path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
                // Deleted meanwhile (an outdated checkpoint or a truncated segment).
            }
        }

        return total;
    }

    /// <summary>
    /// Compacts the log so disk use tracks live records: live records below the safe read-only address are copied to
    /// the tail and the begin address moves past them (<c>ClientSession.Compact</c> with
    /// <see cref="CompactionType.Lookup"/>: each record's liveness is checked through the hash index, no temporary
    /// store), then a fold-over checkpoint makes the copies and the new begin address durable, and only then
    /// are the segment files wholly below the begin address deleted (FASTER truncates after the checkpoint;
    /// <c>IDevice.TruncateUntilSegmentAsync</c> asks again and we wait, bounded, for the files to go). Crash-safe: until that checkpoint commits, the
    /// previous checkpoint and every segment it needs are still on disk.
    /// </summary>
    /// <remarks>
    /// <code>
    ///  BeginAddress            SafeReadOnlyAddress        TailAddress
    ///  |  dead + live records  |  newest records         |
    ///  Compact(until = SafeReadOnly, Lookup): live ──copied──► tail; BeginAddress := until (in memory)
    ///  TakeHybridLogCheckpointAsync(FoldOver): copies durable; checkpoint records the new BeginAddress
    ///  FASTER (after the checkpoint) and IDevice.TruncateUntilSegmentAsync: segment files wholly below it are deleted
    /// </code>
    /// Runs the synchronous compaction on a dedicated thread
    /// (it may wait for log flushes, and must not hold a thread-pool thread while doing so). Reads and writes continue meanwhile; scans wait.
    /// </remarks>
    /// <returns>The begin address before and after.</returns>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public async Task<(long BeginBefore, long BeginAfter)> CompactAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _maintenanceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = _store.Log.BeginAddress;
            var until = _store.Log.SafeReadOnlyAddress;
            if (until <= before)
            {
                return (before, before);
            }

            var after = await Task.Factory.StartNew(
                () =>
                {
                    using var session = NewSession();
                    return session.Compact(until, CompactionType.Lookup);
                },
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);

            // The copies become durable with this checkpoint, which also lets FASTER
            // delete the segments below the new begin address.
            await CommitCheckpointAsync().ConfigureAwait(false);
            // That checkpoint records the new begin address, so nothing below it is needed for recovery any more, and
            // the checkpoint has FASTER delete the segment files wholly below it. The device deletes them in the
            // background; wait (bounded) until they are gone so the disk size measured next is the real one.
            var firstKeptSegment = after >> BitOperations.Log2((ulong)_segmentSizeBytes);
            _logDevice.TruncateUntilSegmentAsync((int)firstKeptSegment, _ => { }, null);
            for (var i = 0; i < 500 && HasSegmentFileBelow(firstKeptSegment); i++)
            {
                await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
            }

            return (before, after);
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    private bool HasSegmentFileBelow(long segment)
    {
        foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(_options.Path, "hlog"), "tokens.log.*"))
        {
            var suffix = System.IO.Path.GetExtension(file).AsSpan(1);
            if (long.TryParse(suffix, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < segment)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Takes a fold-over checkpoint, retrying while the group-commit loop's checkpoint is running.</summary>
    private async Task CommitCheckpointAsync()
    {
        while (true)
        {
            var (success, _) = await _store.TakeHybridLogCheckpointAsync(CheckpointType.FoldOver).ConfigureAwait(false);
            if (success)
            {
                return;
            }

            await Task.Delay(1).ConfigureAwait(false);
        }
    }
}
