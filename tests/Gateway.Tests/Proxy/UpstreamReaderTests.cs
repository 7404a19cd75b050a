using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>The upstream connection's response reader: what was read stays buffered, in order, until consumed.</summary>
public sealed class UpstreamReaderTests
{
    [Fact]
    public async Task UnconsumedBytes_SurviveLaterReads_PastTheFirstBuffer()
    {
        var expected = new byte[3 * UpstreamReader.InitialBufferBytes];
        new Random(1955).NextBytes(expected);
        var reader = new UpstreamReader(new MemoryStream(expected));

        // Nothing consumed: the buffer must grow and keep every byte (as it does for a head that does not fit).
        while (!reader.IsCompleted)
        {
            reader.Append(await reader.ReadAsync(CancellationToken.None));
        }

        Assert.Equal(expected, reader.Buffered.ToArray());
        reader.Complete();
    }

    [Fact]
    public async Task PartlyConsumedBytes_MoveToTheFront_AndKeepTheirOrder()
    {
        var expected = new byte[5 * UpstreamReader.InitialBufferBytes];
        new Random(2015).NextBytes(expected);
        var reader = new UpstreamReader(new MemoryStream(expected));
        var seen = new List<byte>();

        // Leave a tail unconsumed after every read, as a chunk line split across reads is left.
        while (!reader.IsCompleted)
        {
            reader.Append(await reader.ReadAsync(CancellationToken.None));
            var take = Math.Max(0, reader.Buffered.Length - 7);
            seen.AddRange(reader.Buffered[..take].ToArray());
            reader.Consume(take);
        }

        seen.AddRange(reader.Buffered.ToArray());
        Assert.Equal(expected, seen);
        reader.Complete();
    }

    [Fact]
    public async Task ConsumingMoreThanBuffered_Throws_AndACompletedReaderRefusesWork()
    {
        var reader = new UpstreamReader(new MemoryStream("HTTP/1.1 200 OK\r\n"u8.ToArray()));
        reader.Append(await reader.ReadAsync(CancellationToken.None));
        var length = reader.Buffered.Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Consume(length + 1));
        reader.Consume(length);
        reader.Append(await reader.ReadAsync(CancellationToken.None));
        Assert.True(reader.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
        Assert.Throws<InvalidOperationException>(() => reader.Append(1)); // nothing read to append

        reader.Complete();
        Assert.Throws<InvalidOperationException>(() => reader.Buffered.Length);
        reader.Complete(); // idempotent: the buffer goes back to the pool once
    }
}
