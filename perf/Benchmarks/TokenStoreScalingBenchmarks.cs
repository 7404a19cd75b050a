using BenchmarkDotNet.Attributes;
using FastGateway.Validation;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.TokenStore;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Benchmarks;

/// <summary>
/// Token lookup (<see cref="FasterTokenStore.TryGet"/>) and the whole validation path (<see cref="AccessValidator.Validate"/>)
/// in stores of 1 thousand, 1 million and 10 million client-credentials tokens, all with the same store settings:
/// a 512 MiB in-memory log and 2^22 index buckets. A record takes about 300 bytes of log, so 1 million tokens fit in
/// memory and 10 million (about 3 GB) do not: most of them are read back from the log file on disk.
/// </summary>
/// <remarks>
/// <para>
/// <c>*Random</c>: each operation takes the next of 2^18 tokens drawn at random from the whole population
/// (pre-generated keys or Authorization headers, index advancing): the realistic mix, including CPU cache misses and,
/// at 10 million, disk reads. <c>*Hot</c>: the same token every time, the first one written (at 10 million the oldest
/// record, on disk): the best case in memory, and it shows that without a read cache a token used over and over is
/// still read from disk each time.
/// </para>
/// <para>
/// Disk reads go through the OS page cache (the log file was just written): this is FASTER's pending-read path, not a
/// cold device read. Sizes: <c>--tokens 1000,1000000</c> on the command line (CI runs 1000 only). Population takes
/// about <c>TokenCount</c> x 1 µs in <see cref="Setup"/>, and the store's folder is deleted in <see cref="Cleanup"/>.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class TokenStoreScalingBenchmarks
{
    /// <summary>Sizes run unless <c>--tokens</c> says otherwise.</summary>
    public static IReadOnlyList<int> TokenCounts { get; set; } = [1_000, 1_000_000, 10_000_000];

    /// <summary>Read cache sizes in MiB, 0 = off (the gateway's default); <c>--read-cache-mib 0,256</c> adds the proposal's case.</summary>
    public static IReadOnlyList<int> ReadCacheSizes { get; set; } = [0];

    private const int SampleSize = 1 << 18;
    private readonly string _path = "/timetravels/bookings/42";
    private readonly HttpMethodKind _method = HttpMethodKind.Get;
    private BenchmarkGateway _gateway = null!;
    private TokenHash[] _keys = null!;
    private StringValues[] _headers = null!;
    private TokenHash _hotKey;
    private StringValues _hotHeader;
    private int _next;

    /// <summary>Number of tokens in the store.</summary>
    [ParamsSource(nameof(TokenCounts))]
    public int TokenCount { get; set; }

    /// <summary>FASTER read cache, MiB (0 = off). With 256 MiB, every token of the 2^18 sample fits once it has been read.</summary>
    [ParamsSource(nameof(ReadCacheSizes))]
    public int ReadCacheMiB { get; set; }

    /// <summary>Opens a store, bulk-loads <see cref="TokenCount"/> tokens, and draws the random sample.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gateway = BenchmarkGateway.OpenAsync(memorySizeBytes: 512L << 20, indexBuckets: 1 << 22, readCacheMemorySizeBytes: (long)ReadCacheMiB << 20).GetAwaiter().GetResult();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var record = TokenRecord.Create(TokenKind.AccessToken, BenchmarkGateway.ClientId, owner: null, GatewayDefinition.AllScopes, GatewayDefinition.ScopeSchemaId, now - 10, now + 86_400);
        var elapsed = TokenStoreBulkLoad.Load(_gateway.Store, TokenCount, record);
        Console.WriteLine($"// Loaded {TokenCount:N0} tokens in {elapsed.TotalSeconds:F1} s into {_gateway.Path}");

        var random = new Random(20261121);
        _keys = new TokenHash[SampleSize];
        _headers = new StringValues[SampleSize];
        for (var i = 0; i < SampleSize; i++)
        {
            var token = TokenStoreBulkLoad.TokenText(random.Next(TokenCount));
            _ = TokenHash.TryCompute(token, out _keys[i]);
            _headers[i] = "Bearer " + token;
        }

        var hot = TokenStoreBulkLoad.TokenText(0);
        _ = TokenHash.TryCompute(hot, out _hotKey);
        _hotHeader = "Bearer " + hot;
        for (var i = 0; i < SampleSize; i += SampleSize / 64)
        {
            if (!_gateway.Store.TryGet(_keys[i], out _)
                || _gateway.Validator.Validate(_method, _path, _headers[i], out _, out _, out _) != AccessDecision.Allowed)
            {
                throw new InvalidOperationException("A sampled token is not allowed: the numbers would measure a refusal.");
            }
        }
    }

    /// <summary>Disposes the store and deletes its folder (up to 3 GB at 10 million tokens).</summary>
    [GlobalCleanup]
    public void Cleanup() => _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>FASTER lookup of a random token of the population.</summary>
    [Benchmark]
    public long LookupRandom() => _gateway.Store.TryGet(_keys[Next()], out var record) ? record.ExpiresAt : 0;

    /// <summary>FASTER lookup of the same token every time.</summary>
    [Benchmark]
    public long LookupHot() => _gateway.Store.TryGet(_hotKey, out var record) ? record.ExpiresAt : 0;

    /// <summary>The whole validation path for a random token of the population.</summary>
    [Benchmark]
    public int ValidateRandom() => (int)_gateway.Validator.Validate(_method, _path, _headers[Next()], out _, out _, out _);

    /// <summary>The whole validation path for the same token every time.</summary>
    [Benchmark]
    public int ValidateHot() => (int)_gateway.Validator.Validate(_method, _path, _hotHeader, out _, out _, out _);

    // Power-of-two sample: a mask, no modulo, no bounds surprise.
    private int Next() => _next = (_next + 1) & (SampleSize - 1);
}
