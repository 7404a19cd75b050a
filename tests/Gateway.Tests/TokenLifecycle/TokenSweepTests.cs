using FastGateway.TokenLifecycle;
using FastGateway.TokenStore;
using FastGateway.Tests.TokenStore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace FastGateway.Tests.TokenLifecycle;

/// <summary>Expired removal and the sweep (removal + compaction) against a real FASTER store in a temp folder.</summary>
public sealed class TokenSweepTests(ITestOutputHelper output) : IDisposable
{
    private const int ShortLived = 5000;
    private const int LongLived = 200;

    private readonly TempStoreFolder _folder = new();
    private readonly ManualTime _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Sweep_ManyExpiredTokens_StoreShrinks_LiveTokensUntouched_RecoversAfterRestart()
    {
        var options = _folder.Options(memorySizeBytes: 1 << 20) with { SegmentSizeBytes = 64 * 1024 };
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var live = Enumerable.Range(0, LongLived).Select(i => TempStoreFolder.Key($"live-{i}")).ToArray();
        long before, after;
        int countBefore, countAfter;
        SweepResult result;
        await using (var store = await FasterTokenStore.OpenAsync(options, NullLogger<FasterTokenStore>.Instance))
        {
            // Concurrent writers share group commits; 1 s lifetime, long-lived ones interleaved.
            await Parallel.ForEachAsync(Enumerable.Range(0, ShortLived + LongLived), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            {
                if (i % 26 == 0 && i / 26 < LongLived)
                {
                    await store.AddAsync(live[i / 26], Token("client-live", now, TokenRecord.NeverExpires), ct);
                }
                else
                {
                    await store.AddAsync(TempStoreFolder.Key($"short-{i}"), Token("client-short", now, now + 1), ct);
                }
            });
            countBefore = await CountAsync(store);
            before = store.DiskSizeBytes();

            _time.Advance(TimeSpan.FromSeconds(2)); // every short-lived token is now expired
            using var remover = new ExpiredTokenRemover(store, _time, NullLogger<ExpiredTokenRemover>.Instance);
            result = await remover.SweepAsync(CancellationToken.None);

            countAfter = await CountAsync(store);
            after = store.DiskSizeBytes();

            Assert.All(live, key => Assert.True(store.TryGet(key, out var r) && r.IsActiveAt(now + 2)));
        }


        output.WriteLine($"tokens before sweep: {countBefore} ({ShortLived} expired + {LongLived} live); after: {countAfter}; removed: {result.Removed}");
        output.WriteLine($"log begin address {result.BeginBefore} -> {result.BeginAfter}");
        output.WriteLine($"store disk size before: {before} bytes; after sweep + compaction: {after} bytes ({100.0 * after / before:F1}%)");

        Assert.Equal(ShortLived + LongLived, countBefore);
        Assert.Equal(ShortLived, result.Removed);
        Assert.Equal(LongLived, countAfter);
        Assert.True(after < before / 2, $"store did not shrink enough: {before} -> {after} bytes");

        await using (var reopened = await FasterTokenStore.OpenAsync(options, NullLogger<FasterTokenStore>.Instance))
        {
            var recovered = await CountAsync(reopened);
            output.WriteLine($"after restart: {recovered} tokens recovered (checkpoint version {reopened.RecoveredVersion}), disk {reopened.DiskSizeBytes()} bytes");
            Assert.Equal(LongLived, recovered);
            Assert.All(live, key => Assert.True(reopened.TryGet(key, out var r) && r.State == TokenState.Active));
            Assert.False(reopened.TryGet(TempStoreFolder.Key("short-1"), out _));
        }
    }

    [Fact]
    public async Task RemoveExpired_KeepsUnexpiredRecordsEvenUsedOnes_RemovesTheRest()
    {
        await using var store = await _folder.OpenAsync();
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // A rotated refresh token and a redeemed code stay until they expire: presenting them again must still revoke the grant.
        var keep = new[] { "live", "revoked-not-expired", "refresh-in-grace", "code-live", "refresh-rotated", "code-used" }.Select(TempStoreFolder.Key).ToArray();
        var gone = new[] { "expired", "revoked-expired", "refresh-expired", "code-expired" }.Select(TempStoreFolder.Key).ToArray();
        await store.AddAsync(keep[0], Token("c", now, now + 100), CancellationToken.None);
        await store.AddAsync(keep[1], Token("c", now, now + 100), CancellationToken.None);
        await store.RevokeAsync(keep[1], CancellationToken.None);
        await store.AddAsync(keep[2], Token("c", now, now + 100, TokenKind.RefreshToken), CancellationToken.None);
        await store.ConsumeAsync(keep[2], now - 5, CancellationToken.None);
        await store.AddAsync(keep[3], Token("c", now, now + 100, TokenKind.AuthorizationCode), CancellationToken.None);
        await store.AddAsync(gone[0], Token("c", now - 10, now - 1), CancellationToken.None);
        await store.AddAsync(gone[1], Token("c", now - 10, now - 1), CancellationToken.None);
        await store.RevokeAsync(gone[1], CancellationToken.None);
        await store.AddAsync(keep[4], Token("c", now, now + 100, TokenKind.RefreshToken), CancellationToken.None);
        await store.ConsumeAsync(keep[4], now - 11, CancellationToken.None);
        await store.AddAsync(keep[5], Token("c", now, now + 100, TokenKind.AuthorizationCode), CancellationToken.None);
        await store.ConsumeAsync(keep[5], now, CancellationToken.None);
        await store.AddAsync(gone[2], Token("c", now - 100, now - 1, TokenKind.RefreshToken), CancellationToken.None);
        await store.ConsumeAsync(gone[2], now - 50, CancellationToken.None);
        await store.AddAsync(gone[3], Token("c", now - 400, now - 100, TokenKind.AuthorizationCode), CancellationToken.None);
        using var remover = new ExpiredTokenRemover(store, _time, NullLogger<ExpiredTokenRemover>.Instance);

        var removed = await remover.RemoveExpiredAsync(CancellationToken.None);
        var again = await remover.RemoveExpiredAsync(CancellationToken.None);

        Assert.Equal(gone.Length, removed);
        Assert.Equal(0, again);
        Assert.All(keep, key => Assert.True(store.TryGet(key, out _)));
        Assert.All(gone, key => Assert.False(store.TryGet(key, out _)));
    }

    private static TokenRecord Token(string clientId, long issuedAt, long expiresAt, TokenKind kind = TokenKind.AccessToken) =>
        TokenRecord.Create(kind, clientId, "owner-1", 1, 7, issuedAt, expiresAt);

    /// <summary>Live keys: the latest version of each key in the log.</summary>
    private static async Task<int> CountAsync(FasterTokenStore store)
    {
        var count = 0;
        await store.ScanAsync((in TokenHash key, in TokenRecord scanned, long address) =>
        {
            if (store.TryGetLatest(key, out _, out var latest) && latest == address)
            {
                count++;
            }

            return true;
        }, CancellationToken.None);
        return count;
    }

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
