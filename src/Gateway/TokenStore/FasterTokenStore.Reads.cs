using FASTER.core;

namespace FastGateway.TokenStore;

internal sealed partial class FasterTokenStore
{
    /// <summary>
    /// Looks a token up. Synchronous and allocation-free when the record is in memory; when it is only on
    /// disk the calling thread blocks on the read (one disk read, typically well under a millisecond on SSD).
    /// </summary>
    /// <param name="key">The token's hash.</param>
    /// <param name="value">The record when found (revoked or expired records are returned too: the caller decides).</param>
    /// <returns>true when the key is in the store.</returns>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="FasterException">FASTER failed the read (I/O error on the log).</exception>
    public bool TryGet(in TokenHash key, out TokenRecord value)
    {
        ThrowIfDisposed();
        var slot = AcquireReadSlot();
        try
        {
            // FASTER takes keys by ref; a 32-byte copy keeps the caller's value read-only.
            var k = key;
            var input = default(TokenUpdate);
            value = default;
            var status = slot.Session.Read(ref k, ref input, ref value);
            if (status.IsPending)
            {
                slot.DiskLookups++;
                status = CompletePendingRead(slot.Session, ref value);
            }
            else
            {
                // Plain increments: the slot is this thread's alone until Taken is released below (a full fence).
                slot.MemoryLookups++;
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

    private ReadSlot AcquireReadSlot()
    {
        var slots = _readSlots;
        // Start at a per-thread position so threads rarely contend for the same slot; CAS on an int, no lock.
        var start = (int)((uint)Environment.CurrentManagedThreadId % (uint)slots.Length);
        var spin = default(SpinWait);
        while (true)
        {
            for (var i = 0; i < slots.Length; i++)
            {
                var index = start + i;
                if (index >= slots.Length)
                {
                    index -= slots.Length;
                }

                var slot = slots[index];
                if (Volatile.Read(ref slot.Taken) == 0 && Interlocked.CompareExchange(ref slot.Taken, 1, 0) == 0)
                {
                    return slot;
                }
            }

            // More concurrent readers than sessions: back off briefly.
            spin.SpinOnce();
        }
    }

    // Out of line: only records evicted from memory get here.
    private static Status CompletePendingRead(TokenSession session, ref TokenRecord value)
    {
        session.CompletePendingWithOutputs(out var outputs, wait: true);
        var status = default(Status);
        try
        {
            while (outputs.Next())
            {
                ref var completed = ref outputs.Current;
                status = completed.Status;
                value = completed.Output;
            }
        }
        finally
        {
            outputs.Dispose();
        }

        return status;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Diagnostics.StackTraceHidden]
    private static void ThrowReadFaulted() => throw new FasterException("The token store could not read a record (log I/O error).");
}
