using System.Diagnostics;
using FastGateway.TokenStore;
using Xunit.Abstractions;

namespace FastGateway.Tests.TokenStore;

public sealed class FasterTokenStoreTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AddAsync_ThenTryGet_ReturnsRecord()
    {
        await using var store = await _folder.OpenAsync();
        Assert.True(store.IsReady);
        var key = TempStoreFolder.Key("token-a");

        await store.AddAsync(key, TempStoreFolder.Record("client-a", scopes: 0b101, owner: "alice"), CancellationToken.None);

        Assert.True(store.TryGet(key, out var record));
        Assert.Equal("client-a", record.ClientId);
        Assert.Equal("alice", record.Owner);
        Assert.Equal(0b101UL, record.Scopes);
        Assert.Equal(7U, record.ScopeSchemaId);
        Assert.Equal(1_700_000_000, record.IssuedAt);
        Assert.Equal(1_700_003_600, record.ExpiresAt);
        Assert.Equal(TokenKind.AccessToken, record.Kind);
        Assert.Equal(TokenState.Active, record.State);
    }

    [Fact]
    public async Task TryGet_UnknownKey_ReturnsFalse()
    {
        await using var store = await _folder.OpenAsync();
        await store.AddAsync(TempStoreFolder.Key("known"), TempStoreFolder.Record("c", 1), CancellationToken.None);

        Assert.False(store.TryGet(TempStoreFolder.Key("unknown"), out _));
    }

    [Fact]
    public async Task RevokeAsync_KnownKey_TryGetShowsRevoked()
    {
        await using var store = await _folder.OpenAsync();
        var key = TempStoreFolder.Key("to-revoke");
        await store.AddAsync(key, TempStoreFolder.Record("client-r", 3), CancellationToken.None);

        Assert.True(await store.RevokeAsync(key, CancellationToken.None));

        Assert.True(store.TryGet(key, out var record));
        Assert.Equal(TokenState.Revoked, record.State);
        Assert.Equal("client-r", record.ClientId);
        Assert.False(record.IsActiveAt(1_700_000_001));
    }

    [Fact]
    public async Task RevokeAsync_UnknownKey_ReturnsFalse()
    {
        await using var store = await _folder.OpenAsync();

        Assert.False(await store.RevokeAsync(TempStoreFolder.Key("never-issued"), CancellationToken.None));
        Assert.False(store.TryGet(TempStoreFolder.Key("never-issued"), out _));
    }

    [Fact]
    public async Task ConsumeAsync_SecondCallSeesConsumed_KeepsFirstTime()
    {
        await using var store = await _folder.OpenAsync();
        var key = TempStoreFolder.Key("code-1");
        await store.AddAsync(key, TempStoreFolder.Record("client-c", 1), CancellationToken.None);

        var first = await store.ConsumeAsync(key, 100, CancellationToken.None);
        var second = await store.ConsumeAsync(key, 200, CancellationToken.None);

        Assert.True(first.Found);
        Assert.Equal(TokenState.Active, first.Before.State);
        Assert.Equal(TokenState.Consumed, second.Before.State);
        Assert.Equal(100, second.Before.ConsumedAt);
        Assert.False((await store.ConsumeAsync(TempStoreFolder.Key("no-code"), 1, CancellationToken.None)).Found);
    }

    [Fact]
    public async Task ConsumeAsync_ConcurrentCallers_ExactlyOneSeesActive()
    {
        await using var store = await _folder.OpenAsync();
        var key = TempStoreFolder.Key("contended-code");
        await store.AddAsync(key, TempStoreFolder.Record("client-c", 1), CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => store.ConsumeAsync(key, i + 1, CancellationToken.None).AsTask()));

        Assert.Single(results, r => r.Before.State == TokenState.Active);
    }

    [Fact]
    public async Task RevokeAsync_AfterConsume_IsRevoked_AndConsumeCannotUndoIt()
    {
        await using var store = await _folder.OpenAsync();
        var key = TempStoreFolder.Key("refresh-1");
        await store.AddAsync(key, TempStoreFolder.Record("client-c", 1), CancellationToken.None);

        await store.ConsumeAsync(key, 5, CancellationToken.None);
        await store.RevokeAsync(key, CancellationToken.None);
        await store.ConsumeAsync(key, 6, CancellationToken.None);

        Assert.True(store.TryGet(key, out var record));
        Assert.Equal(TokenState.Revoked, record.State);
    }

    [Fact]
    public async Task OpenAsync_FreshFolder_IsReadyAndEmpty()
    {
        await using var store = await _folder.OpenAsync();

        Assert.True(store.IsReady);
        Assert.Equal(-1, store.RecoveredVersion);
        Assert.False(store.TryGet(TempStoreFolder.Key("x"), out _));
    }

    [Fact]
    public async Task OpenAsync_AfterDisposeOnSamePath_RecordsAndRevocationsStillThere()
    {
        var kept = TempStoreFolder.Key("kept");
        var revoked = TempStoreFolder.Key("revoked");
        var store = await _folder.OpenAsync();
        await store.AddAsync(kept, TempStoreFolder.Record("client-k", 9), CancellationToken.None);
        await store.AddAsync(revoked, TempStoreFolder.Record("client-v", 1), CancellationToken.None);
        await store.RevokeAsync(revoked, CancellationToken.None);
        await store.DisposeAsync();
        Assert.False(store.IsReady);

        await using var reopened = await _folder.OpenAsync();

        Assert.True(reopened.RecoveredVersion > 0);
        Assert.True(reopened.TryGet(kept, out var record));
        Assert.Equal("client-k", record.ClientId);
        Assert.Equal(9UL, record.Scopes);
        Assert.True(reopened.TryGet(revoked, out var revokedRecord));
        Assert.Equal(TokenState.Revoked, revokedRecord.State);
    }

    [Fact]
    public async Task TryGet_ManyRecordsWithSmallMemory_FindsOldRecordsOnDisk()
    {
        const int count = 50_000;
        // 256 KiB of log memory holds ~1,300 records of ~200 bytes: almost all of the 50k live only on disk.
        // Many write sessions: one group commit acknowledges up to that many writes.
        await using var store = await _folder.OpenAsync(memorySizeBytes: 256 * 1024, writeSessions: 128);
        var started = Stopwatch.GetTimestamp();
        var writes = new Task[count];
        for (var i = 0; i < count; i++)
        {
            writes[i] = store.AddAsync(TempStoreFolder.Key($"many-{i}"), TempStoreFolder.Record($"client-{i}", (ulong)i), CancellationToken.None).AsTask();
        }

        await Task.WhenAll(writes);
        output.WriteLine($"{count} durable writes (128 write sessions, 256 KiB log memory): {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        foreach (var i in new[] { 0, 1, 17, 4_999, 25_000, count - 1 })
        {
            Assert.True(store.TryGet(TempStoreFolder.Key($"many-{i}"), out var record), $"record {i}");
            Assert.Equal($"client-{i}", record.ClientId);
            Assert.Equal((ulong)i, record.Scopes);
        }

        // Revoking a disk-resident record takes the pending RMW path.
        Assert.True(await store.RevokeAsync(TempStoreFolder.Key("many-3"), CancellationToken.None));
        Assert.True(store.TryGet(TempStoreFolder.Key("many-3"), out var revoked));
        Assert.Equal(TokenState.Revoked, revoked.State);
        Assert.Equal("client-3", revoked.ClientId);
    }

    [Fact]
    public async Task TryGet_ReadCacheOn_FindsDiskRecordsAgain()
    {
        const int count = 5_000;
        // 64 KiB of log memory holds a few hundred records: most of the 5,000 are on disk; the read cache keeps what is read back.
        var options = _folder.Options(memorySizeBytes: 64 * 1024, writeSessions: 128) with { ReadCacheMemorySizeBytes = 1 << 20 };
        await using var store = await FasterTokenStore.OpenAsync(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<FasterTokenStore>.Instance);
        var writes = new Task[count];
        for (var i = 0; i < count; i++)
        {
            writes[i] = store.AddAsync(TempStoreFolder.Key($"cached-{i}"), TempStoreFolder.Record($"client-{i}", (ulong)i), CancellationToken.None).AsTask();
        }

        await Task.WhenAll(writes);

        // Twice: from disk into the read cache, then from the read cache.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var i in new[] { 0, 1, 17, 2_500, count - 1 })
            {
                Assert.True(store.TryGet(TempStoreFolder.Key($"cached-{i}"), out var record), $"record {i}, pass {pass}");
                Assert.Equal($"client-{i}", record.ClientId);
            }
        }

        // A revocation must not be hidden by a stale cached copy.
        Assert.True(await store.RevokeAsync(TempStoreFolder.Key("cached-1"), CancellationToken.None));
        Assert.True(store.TryGet(TempStoreFolder.Key("cached-1"), out var revoked));
        Assert.Equal(TokenState.Revoked, revoked.State);
    }

    [Fact]
    public async Task AddAsync_ConcurrentWriters_AllFoundAfterReopen()
    {
        const int writers = 8;
        const int perWriter = 50;
        var store = await _folder.OpenAsync();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < perWriter; n++)
            {
                await store.AddAsync(TempStoreFolder.Key($"c-{w}-{n}"), TempStoreFolder.Record($"client-{w}", (ulong)n), CancellationToken.None);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"{writers * perWriter} durable writes by {writers} concurrent writers: {elapsed.TotalMilliseconds:F0} ms ({elapsed.TotalMilliseconds / perWriter:F2} ms per round of {writers})");
        await store.DisposeAsync();

        await using var reopened = await _folder.OpenAsync();
        for (var w = 0; w < writers; w++)
        {
            for (var n = 0; n < perWriter; n++)
            {
                Assert.True(reopened.TryGet(TempStoreFolder.Key($"c-{w}-{n}"), out var record), $"c-{w}-{n}");
                Assert.Equal((ulong)n, record.Scopes);
            }
        }
    }

    [Fact]
    public async Task AddAsync_Sequential_ReportsDurableWriteLatency()
    {
        await using var store = await _folder.OpenAsync();
        await store.AddAsync(TempStoreFolder.Key("warm-up"), TempStoreFolder.Record("c", 1), CancellationToken.None);
        const int count = 100;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await store.AddAsync(TempStoreFolder.Key($"seq-{i}"), TempStoreFolder.Record("c", 1), CancellationToken.None);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"sequential durable write: {elapsed.TotalMilliseconds / count:F2} ms each ({count} writes)");
        Assert.True(store.TryGet(TempStoreFolder.Key($"seq-{count - 1}"), out _));
    }

    [Fact]
    public async Task TryGet_InMemoryKeyAfterWarmUp_AllocatesNothing()
    {
        await using var store = await _folder.OpenAsync();
        var key = TempStoreFolder.Key("hot");
        var missing = TempStoreFolder.Key("cold");
        await store.AddAsync(key, TempStoreFolder.Record("client-hot", 1), CancellationToken.None);
        for (var i = 0; i < 1000; i++)
        {
            store.TryGet(key, out _);
            store.TryGet(missing, out _);
        }

        var found = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            if (store.TryGet(key, out _))
            {
                found++;
            }

            store.TryGet(missing, out _);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, found);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task DisposeAsync_ThenTryGet_ThrowsObjectDisposed()
    {
        var store = await _folder.OpenAsync();
        await store.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => store.TryGet(TempStoreFolder.Key("x"), out _));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AddAsync(TempStoreFolder.Key("x"), TempStoreFolder.Record("c", 1), CancellationToken.None).AsTask());
    }
}
