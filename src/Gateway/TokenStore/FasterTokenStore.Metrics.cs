namespace FastGateway.TokenStore;

// What Observability/TokenStoreMetrics observes: the log's size and where lookups were served from. Read at collection
// time only; the read path pays one increment of a field of the read slot it already holds.
internal sealed partial class FasterTokenStore
{
    /// <summary>Bytes of the hybrid log held in memory (from FASTER's head address to its tail).</summary>
    internal long LogMemoryBytes => _store.Log.TailAddress - _store.Log.HeadAddress;

    /// <summary>Bytes of the hybrid log only on disk (from its begin address to the head); compaction (the sweep) shrinks it.</summary>
    internal long LogDiskBytes => _store.Log.HeadAddress - _store.Log.BeginAddress;

    /// <summary>Lookups (<see cref="TryGet"/>) since the store opened: answered from memory (the in-memory log, the read
    /// cache, or a miss in the index), and those that went to disk (a pending read).</summary>
    internal void CountLookups(out long memory, out long disk)
    {
        memory = 0;
        disk = 0;
        foreach (var slot in _readSlots)
        {
            if (slot is not null)
            {
                memory += Volatile.Read(ref slot.MemoryLookups);
                disk += Volatile.Read(ref slot.DiskLookups);
            }
        }
    }
}
