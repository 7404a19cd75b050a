using FastGateway.Hosting;
using System.Diagnostics;
using FastGateway.TokenStore;

namespace FastGateway.TokenLifecycle;

/// <summary>What one sweep did.</summary>
/// <param name="Removed">Records deleted (tokens, codes, grant-family records).</param>
/// <param name="Scanned">Current record versions looked at.</param>
/// <param name="BytesBefore">Store size on disk before, bytes (all files under the store folder).</param>
/// <param name="BytesAfter">Store size on disk after removal, compaction and the checkpoint that truncates the log.</param>
/// <param name="BeginBefore">The log's begin address before compaction.</param>
/// <param name="BeginAfter">The log's begin address after compaction: everything below it is gone.</param>
internal readonly record struct SweepResult(int Removed, int Scanned, long BytesBefore, long BytesAfter, long BeginBefore, long BeginAfter);

/// <summary>
/// Removes what can never be valid again (the webMethods <c>removeExpiredAccessTokens</c> service), and sweeps:
/// removal followed by log compaction. Used by <c>POST /admin/v1/tokens/remove-expired</c> and by
/// <see cref="TokenSweepService"/>.
/// </summary>
/// <remarks>
/// <code>
/// Log.Scan ──► for each record: is it the key's latest version? (TryGetLatest, address compare) ──► rule ──► keys
///   families: removed when no kept token refers to them and they are older than FamilyMinAgeSeconds
/// DeleteManyAsync(keys)   (tombstones, durable through the one write path)
/// sweep only: CompactAsync (live records to the tail, begin address shifted, checkpoint, old segments deleted)
/// </code>
/// The rule (<see cref="IsRemovable"/>) never removes a record that could still be accepted: an access token
/// before its expiry (active or revoked: a revoked one keeps answering "revoked" until it would have expired),
/// a refresh token or an authorization code before its expiry, even once rotated or redeemed: presenting a used one
/// again must keep revoking its grant (reuse and replay detection), which needs the record.
/// </remarks>
internal sealed partial class ExpiredTokenRemover(FasterTokenStore store, TimeProvider time, ILogger<ExpiredTokenRemover> logger) : IDisposable
{
    /// <summary>
    /// A grant-family record is removed only when it is at least this old (seconds) and no kept token refers to it:
    /// a grant writes its family record just before its first token, and a sweep between the two must not remove it.
    /// </summary>
    public const long FamilyMinAgeSeconds = 600;

    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>Whether a record (its latest version) can go: it can never be accepted again.</summary>
    /// <param name="record">The record.</param>
    /// <param name="now">Unix seconds.</param>
    public static bool IsRemovable(in TokenRecord record, long now) => record.Kind switch
    {
        // Consumed refresh tokens and codes stay until they expire so that reuse still revokes the grant.
        TokenKind.AccessToken or TokenKind.RefreshToken or TokenKind.AuthorizationCode => now >= record.ExpiresAt,
        _ => false, // families: decided by reference (RemoveExpiredAsync)
    };

    /// <summary>Removes every removable record durably.</summary>
    /// <returns>How many records were removed.</returns>
    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken) =>
        (await RemoveCoreAsync(cancellationToken).ConfigureAwait(false)).Removed;

    /// <summary>Removal, then compaction; logs one event with the counts and sizes.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var bytesBefore = store.DiskSizeBytes();
        var (removed, scanned) = await RemoveCoreAsync(cancellationToken).ConfigureAwait(false);
        var (beginBefore, beginAfter) = await store.CompactAsync(cancellationToken).ConfigureAwait(false);
        var result = new SweepResult(removed, scanned, bytesBefore, store.DiskSizeBytes(), beginBefore, beginAfter);
        Log.Swept(logger, removed, scanned, result.BytesBefore, result.BytesAfter, beginBefore, beginAfter, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private async Task<(int Removed, int Scanned)> RemoveCoreAsync(CancellationToken cancellationToken)
    {
        // One removal at a time: two would delete the same keys twice (twice the tombstones, a wrong count).
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var remove = new List<TokenHash>();
            var keptFamilies = new HashSet<FamilyId>();
            var oldFamilies = new List<(TokenHash Key, FamilyId Id)>();
            var scanned = 0;
            await store.ScanAsync((in TokenHash key, in TokenRecord _, long address) =>
            {
                // Older versions of a key are skipped: only the latest decides (and is counted once).
                if (!store.TryGetLatest(key, out var latest, out var latestAddress) || latestAddress != address)
                {
                    return true;
                }

                scanned++;
                if (latest.Kind == TokenKind.Family)
                {
                    if (now - latest.IssuedAt >= FamilyMinAgeSeconds)
                    {
                        oldFamilies.Add((key, latest.FamilyId));
                    }
                }
                else if (IsRemovable(latest, now))
                {
                    remove.Add(key);
                }
                else if (latest.HasFamily)
                {
                    keptFamilies.Add(latest.FamilyId);
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);

            foreach (var (key, id) in oldFamilies)
            {
                if (!keptFamilies.Contains(id))
                {
                    remove.Add(key);
                }
            }

            await store.DeleteManyAsync(remove, cancellationToken).ConfigureAwait(false);
            Log.Removed(logger, remove.Count, scanned);
            return (remove.Count, scanned);
        }
        finally
        {
            _running.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _running.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ExpiredRemoved, Level = LogLevel.Information, Message = "Removed {Removed} expired or used-up token records of {Scanned}")]
        public static partial void Removed(ILogger logger, int removed, int scanned);

        [LoggerMessage(EventId = EventIds.Swept, Level = LogLevel.Information, Message = "Token store sweep: removed {Removed} of {Scanned} records; disk {BytesBefore} -> {BytesAfter} bytes; log begin address {BeginBefore} -> {BeginAfter}; {ElapsedMs:F1} ms")]
        public static partial void Swept(ILogger logger, int removed, int scanned, long bytesBefore, long bytesAfter, long beginBefore, long beginAfter, double elapsedMs);
    }
}
