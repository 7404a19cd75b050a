using System.Diagnostics.Metrics;
using FastGateway.TokenStore;

namespace FastGateway.Observability;

/// <summary>
/// The token store's size and cache behaviour (docs/observability.md), observed at collection time:
/// <c>fastgateway.token_store.log.size</c> (By, tagged <c>fastgateway.token_store.region</c> = <c>memory</c> | <c>disk</c>)
/// and <c>fastgateway.token_store.lookups</c> ({lookup}, tagged <c>fastgateway.token_store.source</c> = <c>memory</c> |
/// <c>disk</c>; the hit ratio is memory over the sum).
/// </summary>
/// <remarks>
/// Observable instruments, not a <c>Counter.Add</c> per lookup: <see cref="FasterTokenStore.TryGet"/> is on the
/// zero-allocation validation path, so it only bumps a plain field of the read slot it holds, and this class sums the
/// slots when a reader collects. A process normally has one store; tests open several, so open stores are tracked and
/// summed. The log is append-only: it holds revoked, expired and superseded records until the sweep compacts it, and
/// FASTER can count entries only by scanning the whole log, which a scrape must not do.
/// </remarks>
internal static class TokenStoreMetrics
{
    private static readonly Lock Gate = new();
    private static readonly List<FasterTokenStore> Stores = [];

    private static readonly KeyValuePair<string, object?> MemoryRegion = new("fastgateway.token_store.region", "memory");
    private static readonly KeyValuePair<string, object?> DiskRegion = new("fastgateway.token_store.region", "disk");
    private static readonly KeyValuePair<string, object?> MemorySource = new("fastgateway.token_store.source", "memory");
    private static readonly KeyValuePair<string, object?> DiskSource = new("fastgateway.token_store.source", "disk");

    // Held so the instruments live as long as the meter; created on first Track.
    private static readonly ObservableGauge<long> LogSize = GatewayTelemetry.Meter.CreateObservableGauge(
        "fastgateway.token_store.log.size", ObserveLogSize, "By", "Bytes of the token store's FASTER hybrid log, in memory and only on disk.");

    private static readonly ObservableCounter<long> Lookups = GatewayTelemetry.Meter.CreateObservableCounter(
        "fastgateway.token_store.lookups", ObserveLookups, "{lookup}", "Token lookups, answered from memory or read from disk.");

    /// <summary>Starts observing <paramref name="store"/> (called once it is open and recovered).</summary>
    public static void Track(FasterTokenStore store)
    {
        lock (Gate)
        {
            Stores.Add(store);
        }
    }

    /// <summary>Stops observing <paramref name="store"/> (called before it is disposed).</summary>
    public static void Untrack(FasterTokenStore store)
    {
        lock (Gate)
        {
            Stores.Remove(store);
        }
    }

    private static Measurement<long>[] ObserveLogSize()
    {
        long memory = 0, disk = 0;
        lock (Gate)
        {
            foreach (var store in Stores)
            {
                memory += store.LogMemoryBytes;
                disk += store.LogDiskBytes;
            }
        }

        return [new(memory, MemoryRegion), new(disk, DiskRegion)];
    }

    private static Measurement<long>[] ObserveLookups()
    {
        long memory = 0, disk = 0;
        lock (Gate)
        {
            foreach (var store in Stores)
            {
                store.CountLookups(out var storeMemory, out var storeDisk);
                memory += storeMemory;
                disk += storeDisk;
            }
        }

        return [new(memory, MemorySource), new(disk, DiskSource)];
    }
}
