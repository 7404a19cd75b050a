using System.Diagnostics.Metrics;
using FastGateway.Observability;
using FastGateway.Tests.TokenStore;
using FastGateway.TokenStore;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastGateway.Tests.Observability;

/// <summary>
/// The token store's lookup counts (memory or disk) and log size, on a real FASTER store on disk, read directly and
/// through the observable instruments with a <see cref="MeterListener"/>. Alone in their collection, run with nothing
/// else in parallel: the instruments sum every store open in the process, so no other test's store may be open.
/// </summary>
[Collection(TokenStoreMetricsSerial.Name)]
public sealed class TokenStoreMetricsTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Lookups_RecordEvictedFromMemory_CountedAsDiskThenMemory()
    {
        const int count = 5_000;
        const long memorySize = 64 * 1024;
        // 64 KiB of log memory holds a few hundred records: the first ones written are on disk only; the read cache keeps
        // what is read back.
        var options = _folder.Options(memorySizeBytes: memorySize, writeSessions: 128) with { ReadCacheMemorySizeBytes = 1 << 20 };
        await using var store = await FasterTokenStore.OpenAsync(options, NullLogger<FasterTokenStore>.Instance);
        var writes = new Task[count];
        for (var i = 0; i < count; i++)
        {
            writes[i] = store.AddAsync(TempStoreFolder.Key($"metric-{i}"), TempStoreFolder.Record($"client-{i}", (ulong)i), CancellationToken.None).AsTask();
        }

        await Task.WhenAll(writes);
        store.CountLookups(out var memoryBefore, out var diskBefore);

        Assert.True(store.TryGet(TempStoreFolder.Key("metric-0"), out _)); // on disk: a pending read
        Assert.True(store.TryGet(TempStoreFolder.Key("metric-0"), out _)); // now in the read cache
        Assert.True(store.TryGet(TempStoreFolder.Key($"metric-{count - 1}"), out _)); // the log's tail, in memory
        Assert.False(store.TryGet(TempStoreFolder.Key("never-issued"), out _)); // a miss in the index: no disk read
        store.CountLookups(out var memoryAfter, out var diskAfter);
        var observed = Observe();

        Assert.Equal((0, 0), (memoryBefore, diskBefore));
        Assert.Equal(1, diskAfter);
        Assert.Equal(3, memoryAfter);
        Assert.True(store.LogDiskBytes > 0, $"disk bytes {store.LogDiskBytes}");
        Assert.InRange(store.LogMemoryBytes, 1, memorySize);
        Assert.Equal(1, observed[("fastgateway.token_store.lookups", "disk")]);
        Assert.Equal(3, observed[("fastgateway.token_store.lookups", "memory")]);
        Assert.Equal(store.LogDiskBytes, observed[("fastgateway.token_store.log.size", "disk")]);
        Assert.Equal(store.LogMemoryBytes, observed[("fastgateway.token_store.log.size", "memory")]);
    }

    [Fact]
    public async Task Instruments_DisposedStore_NoLongerObserved()
    {
        var store = await _folder.OpenAsync();
        await store.AddAsync(TempStoreFolder.Key("gone"), TempStoreFolder.Record("client", 1), CancellationToken.None);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(store.TryGet(TempStoreFolder.Key("gone"), out _));
        }

        var open = Observe();
        await store.DisposeAsync();
        var closed = Observe();

        Assert.Equal(1_000, open[("fastgateway.token_store.lookups", "memory")]);
        Assert.True(open[("fastgateway.token_store.log.size", "memory")] > 0);
        Assert.Equal(0, closed[("fastgateway.token_store.lookups", "memory")]);
        Assert.Equal(0, closed[("fastgateway.token_store.log.size", "memory")]);
    }

    /// <summary>One collection of the token store's observable instruments: (instrument, tag value) to value.</summary>
    private static Dictionary<(string, string), long> Observe()
    {
        var values = new Dictionary<(string, string), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayTelemetry.Name && instrument.Name.StartsWith("fastgateway.token_store.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                values[(instrument.Name, (string)tag.Value!)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}

/// <summary>Runs <see cref="TokenStoreMetricsTests"/> with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TokenStoreMetricsSerial
{
    public const string Name = "token store metrics";
}
