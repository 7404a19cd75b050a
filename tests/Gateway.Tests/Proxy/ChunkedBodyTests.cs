using System.Buffers;
using System.Text;
using FastGateway.Proxy;
using static FastGateway.Tests.Proxy.InMemoryUpstream;

namespace FastGateway.Tests.Proxy;

/// <summary>The chunked decoder (RFC 9112 section 7.1): data copied, extensions and trailers checked then dropped,
/// malformed framing refused with its reason.</summary>
public sealed class ChunkedBodyTests
{
    public static TheoryData<string, string, string> Bodies => new()
    {
        // chunked body, decoded, bytes left after it
        { "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", "" },
        { "5;ext=1\r\nhello\r\n6;a=\"q s\";b\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT", "hello world", "NEXT" },
        { "5 ;x\r\nhello\r\n0 \r\n\r\n", "hello", "" },
        { "A\r\n0123456789\r\n0000\r\n\r\n", "0123456789", "" },
        { "a\r\n0123456789\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", "0123456789", "" },
        { "000000000000000000000001\r\nx\r\n0\r\n\r\n", "x", "" },
        { "0\r\n\r\n", "", "" },
        { "0\r\nX-T: 1\n\n", "", "" }, // trailer fields are field lines: a bare LF ends them as in a head
        { "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n", "" }, // data is data: CRLF inside a chunk is not a line end
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task CopyAsync_DecodesTheBody_AndStopsAtItsEnd(string chunked, string body, string rest)
    {
        foreach (var bytesPerRead in new[] { int.MaxValue, 1, 2, 3 })
        {
            var reader = Reader(chunked, bytesPerRead);

            var (completed, received) = await CopyAsync(client => ChunkedBody.CopyAsync(reader, client, CancellationToken.None));

            Assert.True(completed);
            Assert.Equal(body, received);
            // Nothing past the body's end is consumed; trickled, only what the last read brought along is buffered.
            Assert.StartsWith(Rest(reader), rest, StringComparison.Ordinal);
            Assert.Equal(bytesPerRead == int.MaxValue ? rest : rest[..Math.Min(rest.Length, Rest(reader).Length)], Rest(reader));
        }
    }

    public static TheoryData<string, string> BrokenBodies => new()
    {
        { "g\r\nx\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "\r\nx\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "-5\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "+5\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "0x5\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { " 5\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "5 junk\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "5,5\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkSize) },
        { "8000000000000000\r\n", nameof(UpstreamProtocolError.ChunkSizeOverflow) },
        { "10000000000000000\r\n", nameof(UpstreamProtocolError.ChunkSizeOverflow) },
        { "ffffffffffffffffffff\r\n", nameof(UpstreamProtocolError.ChunkSizeOverflow) },
        { "5\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkLine) },
        { "5;a\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkLine) },
        { "5;a=\u0001\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkLine) },
        { "5;a=\u007f\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkLine) },
        { "5;" + new string('e', ChunkedBody.MaxChunkLineBytes) + "\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MalformedChunkLine) },
        { "5;a\rb\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        { "5\r\r\nhello\r\n0\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        { "5\r\nhelloXX0\r\n\r\n", nameof(UpstreamProtocolError.MissingChunkDataTerminator) },
        { "5\r\nhello\n0\r\n\r\n", nameof(UpstreamProtocolError.MissingChunkDataTerminator) },
        { "5\r\nhello\r0\r\n\r\n", nameof(UpstreamProtocolError.MissingChunkDataTerminator) },
        { "5\r\nhello world\r\n0\r\n\r\n", nameof(UpstreamProtocolError.MissingChunkDataTerminator) },
        { "0\r\nX-T: 1\r\n folded\r\n\r\n", nameof(UpstreamProtocolError.ObsoleteLineFolding) },
        { "0\r\nX-T: a\u0000\r\n\r\n", nameof(UpstreamProtocolError.InvalidFieldValue) },
        { "0\r\nX T: 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { "0\r\nX-T: " + new string('t', Http1ResponseParser.MaxHeadBytes) + "\r\n\r\n", nameof(UpstreamProtocolError.TrailerTooLarge) },
        { "0\r\nX-T: " + new string('t', Http1ResponseParser.MaxHeadBytes), nameof(UpstreamProtocolError.TrailerTooLarge) },
        // The upstream closes before the end
        { "5\r\nhel", nameof(UpstreamProtocolError.ClosedMidBody) },
        { "5\r\nhello", nameof(UpstreamProtocolError.ClosedMidBody) },
        { "5\r\nhello\r\n", nameof(UpstreamProtocolError.ClosedMidBody) },
        { "5\r\nhello\r\n0\r\n", nameof(UpstreamProtocolError.ClosedMidBody) },
        { "5\r\nhello\r\n0\r\nX-T: 1\r\n", nameof(UpstreamProtocolError.ClosedMidBody) },
        { "", nameof(UpstreamProtocolError.ClosedMidBody) },
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task CopyAsync_BrokenChunkedCoding_IsRefusedWithItsReason(string chunked, string expected)
    {
        foreach (var bytesPerRead in new[] { int.MaxValue, 1 })
        {
            var failure = await Assert.ThrowsAsync<UpstreamProtocolException>(() => DecodeAsync(chunked, bytesPerRead));

            Assert.Equal(expected, failure.Error.ToString());
        }
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1a", 26L)]
    [InlineData("1A", 26L)]
    [InlineData("A;x=y", 10L)]
    [InlineData("5\t;x", 5L)]
    [InlineData("5 ", 5L)]
    [InlineData("7fffffffffffffff", long.MaxValue)]
    [InlineData("00000000000000007fffffffffffffff", long.MaxValue)]
    public void ParseChunkLine_ReadsTheHexSize(string line, long size)
    {
        Assert.Equal(size, ChunkedBody.Decoder.ParseChunkLine(Encoding.ASCII.GetBytes(line)));
    }

    [Fact]
    public void Decoder_LeavesAnIncompleteLineUnconsumed_AndResumesWithMoreBytes()
    {
        var decoder = new ChunkedBody.Decoder();
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(0, decoder.Decode("5;ex"u8, output, out var wrote));
        Assert.False(wrote);
        Assert.Equal(8, decoder.Decode("5;ext\r\nh"u8, output, out wrote));
        Assert.True(wrote);
        Assert.Equal(4, decoder.Decode("ello"u8, output, out _));
        Assert.Equal(0, decoder.Decode("\r"u8, output, out _));
        Assert.Equal(5, decoder.Decode("\r\n0\r\n"u8, output, out _));
        Assert.False(decoder.IsComplete);
        Assert.Equal(0, decoder.Decode("X-T: 1\r\n"u8, output, out _)); // the trailer section is taken whole
        Assert.Equal(10, decoder.Decode("X-T: 1\r\n\r\nNEXT"u8, output, out _));
        Assert.True(decoder.IsComplete);
        Assert.Equal("hello", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    private static Task<(bool Completed, string Body)> DecodeAsync(string chunked, int bytesPerRead)
    {
        var reader = Reader(chunked, bytesPerRead);
        return CopyAsync(client => ChunkedBody.CopyAsync(reader, client, CancellationToken.None));
    }
}
