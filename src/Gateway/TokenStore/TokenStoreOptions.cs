namespace FastGateway.TokenStore;

/// <summary>
/// Settings of the embedded FASTER KV token store (<see cref="FasterTokenStore"/>).
/// </summary>
internal sealed record TokenStoreOptions
{
    /// <summary>Default in-memory log size: 64 MiB, about 330,000 records of ~200 bytes.</summary>
    public const long DefaultMemorySizeBytes = 64L * 1024 * 1024;

    /// <summary>Default hash index size: 2^20 buckets (64 MiB of index; 7 slots per bucket, sized for ~1M tokens).</summary>
    public const int DefaultIndexBuckets = 1 << 20;

    /// <summary>
    /// Data folder (configuration key <c>Storage:Path</c>). The hybrid log lives in <c>{Path}/hlog</c> and the
    /// checkpoints in <c>{Path}/checkpoints</c>. Created when missing.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>
    /// Size of the in-memory part of the hybrid log, in bytes (rounded down to a power of two by FASTER;
    /// at least 64 KiB). Older records live only on disk and are read back synchronously on lookup.
    /// </summary>
    public long MemorySizeBytes { get; init; } = DefaultMemorySizeBytes;

    /// <summary>Number of 64-byte hash index buckets; must be a power of two.</summary>
    public int IndexBuckets { get; init; } = DefaultIndexBuckets;

    /// <summary>
    /// Number of pooled read sessions used by <see cref="FasterTokenStore.TryGet"/>; 0 means
    /// 2 x <see cref="Environment.ProcessorCount"/> (at least 4).
    /// </summary>
    public int ReadSessions { get; init; }

    /// <summary>
    /// Number of pooled write sessions: how many writes can be inside FASTER at once (a session is held for the
    /// write and, for a record read back from disk, its I/O, not for the commit wait; any number of writers share
    /// a group commit). More concurrent writers queue for a session. Default 32.
    /// </summary>
    public int WriteSessions { get; init; } = 32;

    /// <summary>
    /// Size of FASTER's read cache, in bytes; 0 (the default) turns it off. When on, a record read back from disk is
    /// kept in this in-memory cache, so a token looked up again (a client using its token for an hour) is served from
    /// memory instead of another disk read. Rounded down to a power of two by FASTER; at least 64 KiB when on.
    /// </summary>
    public long ReadCacheMemorySizeBytes { get; init; }

    /// <summary>Default log segment (file) size: 8 MiB.</summary>
    public const long DefaultSegmentSizeBytes = 8L * 1024 * 1024;

    /// <summary>
    /// Size of one hybrid-log segment file, in bytes (a power of two, at least the page size). Compaction frees disk
    /// space by deleting whole segments below the log's begin address, so smaller segments let disk use follow live
    /// tokens more closely. Changing it for an existing store makes the store unreadable.
    /// </summary>
    public long SegmentSizeBytes { get; init; } = DefaultSegmentSizeBytes;
}
