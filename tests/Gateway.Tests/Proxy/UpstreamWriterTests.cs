using System.Buffers;
using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>The upstream connection's request writer: bytes reach the stream whole and in order, however they were written.</summary>
public sealed class UpstreamWriterTests
{
    [Fact]
    public async Task WritesPastTheFirstBuffer_ArriveWholeInOneWrite()
    {
        var stream = new CountingStream();
        var writer = new UpstreamWriter(stream);
        var expected = new byte[10_000];
        new Random(1985).NextBytes(expected);

        // Small pieces, then one larger than what is left: the buffer must grow and keep what came before.
        writer.Write(expected.AsSpan(0, 3_000));
        writer.Write(expected.AsSpan(3_000, 1_000));
        var span = writer.GetSpan(6_000);
        Assert.True(span.Length >= 6_000);
        expected.AsSpan(4_000).CopyTo(span);
        writer.Advance(6_000);
        await writer.FlushAsync();

        Assert.Equal(expected, stream.ToArray());
        Assert.Equal(1, stream.Writes);
        writer.Complete();
    }

    [Fact]
    public async Task FlushWithNothingBuffered_WritesNothing_AndLaterFlushesStartAfterTheLast()
    {
        var stream = new CountingStream();
        var writer = new UpstreamWriter(stream);

        await writer.FlushAsync();
        writer.Write("GET / HTTP/1.1\r\n\r\n"u8);
        await writer.FlushAsync();
        await writer.FlushAsync();
        writer.Write("GET /next HTTP/1.1\r\n\r\n"u8);
        await writer.FlushAsync();

        Assert.Equal("GET / HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n"u8.ToArray(), stream.ToArray());
        Assert.Equal(2, stream.Writes);
        writer.Complete();
    }

    [Fact]
    public void AdvancePastTheSpan_Throws_AndACompletedWriterRefusesWork()
    {
        var writer = new UpstreamWriter(new CountingStream());
        var length = writer.GetSpan(16).Length;

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(length + 1));
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.GetSpan());
        writer.Complete(); // idempotent: the buffer goes back to the pool once
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
