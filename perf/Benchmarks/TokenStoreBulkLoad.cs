using System.Buffers.Text;
using System.Reflection;
using FASTER.core;
using FastGateway.TokenStore;

namespace FastGateway.Benchmarks;

/// <summary>
/// Fills a <see cref="FasterTokenStore"/> with millions of tokens quickly, for the store-scaling benchmarks only:
/// plain FASTER upserts on dedicated threads, without the per-write durability wait of
/// <see cref="FasterTokenStore.AddAsync"/> (a group commit per call: hours for 10 million), then one fold-over
/// checkpoint, so the store looks like one that issued them durably.
/// </summary>
/// <remarks>
/// The store exposes no bulk write, so this reaches its private FASTER instance by reflection (field <c>_store</c>);
/// a rename fails loudly here, never silently. Tokens are derived from their index (<see cref="TokenText(int)"/>), so a
/// benchmark can rebuild any token's text without keeping 10 million strings.
/// </remarks>
internal static class TokenStoreBulkLoad
{
    /// <summary>Length of a token's text: 32 bytes in unpadded base64url, as the gateway's own tokens.</summary>
    public const int TokenLength = 43;

    /// <summary>Upserts tokens 0 .. <paramref name="count"/> - 1, each with <paramref name="record"/>, then checkpoints.</summary>
    /// <returns>The load time.</returns>
    public static TimeSpan Load(FasterTokenStore store, int count, TokenRecord record)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var field = typeof(FasterTokenStore).GetField("_store", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("FasterTokenStore has no _store field any more: update TokenStoreBulkLoad.");
        var faster = (FasterKV<TokenHash, TokenRecord>)field.GetValue(store)!;

        // Dedicated threads, not the thread pool: an upsert into a full in-memory log spins until pages are flushed,
        // and those flushes complete on the pool (see FasterTokenStore's write gate).
        var writers = new Thread[Environment.ProcessorCount];
        for (var w = 0; w < writers.Length; w++)
        {
            var first = w;
            writers[w] = new Thread(() => Upsert(faster, first, writers.Length, count, record));
            writers[w].Start();
        }

        foreach (var writer in writers)
        {
            writer.Join();
        }

        var (success, _) = faster.TakeHybridLogCheckpointAsync(CheckpointType.FoldOver).AsTask().GetAwaiter().GetResult();
        if (!success)
        {
            throw new InvalidOperationException("The bulk-load checkpoint did not run.");
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    private static void Upsert(FasterKV<TokenHash, TokenRecord> faster, int first, int stride, int count, TokenRecord record)
    {
        using var session = faster.For(default(TokenFunctions)).NewSession<TokenFunctions>();
        Span<char> token = stackalloc char[TokenLength];
        var value = record;
        for (var i = first; i < count; i += stride)
        {
            TokenText(i, token);
            if (!TokenHash.TryCompute(token, out var key))
            {
                throw new InvalidOperationException("A bulk token did not hash.");
            }

            if (session.Upsert(ref key, ref value).IsPending)
            {
                session.CompletePending(wait: true);
            }
        }

        session.CompletePending(wait: true);
    }

    /// <summary>Token <paramref name="index"/>'s text: base64url of the index and 28 fixed bytes (43 chars).</summary>
    public static void TokenText(int index, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Fill(0x5A);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, index);
        Base64Url.EncodeToChars(bytes, destination);
    }

    /// <summary>Token <paramref name="index"/>'s text as a string.</summary>
    public static string TokenText(int index)
    {
        Span<char> token = stackalloc char[TokenLength];
        TokenText(index, token);
        return new string(token);
    }
}
