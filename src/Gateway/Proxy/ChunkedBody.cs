using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;

namespace FastGateway.Proxy;

/// <summary>
/// Decodes a chunked body (RFC 9112 section 7.1) from the upstream into the client's pipe: chunk data is copied,
/// chunk extensions are checked and dropped, and so is the trailer section (trailers are not forwarded).
/// </summary>
/// <remarks>
/// Chunk lines end in CRLF only (no bare LF: RFC 9112 section 7.1 gives no leeway there, and a lenient chunk parser
/// is a classic smuggling gap); a chunk size is hex digits only, at most <see cref="long.MaxValue"/>; a chunk line,
/// extensions included, is at most <see cref="MaxChunkLineBytes"/>; chunk data is followed by exactly CRLF; the
/// trailer section is at most <see cref="Http1ResponseParser.MaxHeadBytes"/> and its field lines are checked as a
/// head's are.
/// </remarks>
internal static class ChunkedBody
{
    /// <summary>Longest chunk line (size, extensions, CRLF) accepted, in bytes.</summary>
    public const int MaxChunkLineBytes = 4096;

    /// <summary>Copies the decoded body, flushing after each batch of buffered chunks; bytes after the body's end stay
    /// in <paramref name="upstream"/>.</summary>
    /// <param name="upstream">The connection's reader, at the first chunk line.</param>
    /// <param name="client">The client's response body.</param>
    /// <param name="cancellationToken">Cancels reads and writes.</param>
    /// <returns>false when the client went away (its pipe completed) first.</returns>
    /// <exception cref="UpstreamProtocolException">The chunked coding is broken (see <see cref="Decoder.Decode"/>), or
    /// <see cref="UpstreamProtocolError.ClosedMidBody"/>.</exception>
    /// <exception cref="IOException">The upstream connection failed.</exception>
    public static async ValueTask<bool> CopyAsync(UpstreamReader upstream, PipeWriter client, CancellationToken cancellationToken)
    {
        var decoder = new Decoder();
        while (true)
        {
            var consumed = decoder.Decode(upstream.Buffered, client, out var wrote);
            upstream.Consume(consumed);
            if (decoder.IsComplete)
            {
                return !wrote || !(await client.FlushAsync(cancellationToken).ConfigureAwait(false)).IsCompleted;
            }

            if (wrote && (await client.FlushAsync(cancellationToken).ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }

            if (upstream.IsCompleted)
            {
                UpstreamProtocolException.Throw(UpstreamProtocolError.ClosedMidBody);
            }

            upstream.Append(await upstream.ReadAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>The chunked decoder's state between reads: synchronous, over spans, so it is tested without a socket.</summary>
    internal struct Decoder
    {
        private Phase _phase;
        private long _chunkLeft; // data bytes of the current chunk still to copy

        private enum Phase : byte
        {
            SizeLine,
            Data,
            DataEnd,
            Trailer,
            Done,
        }

        /// <summary>Whether the last chunk and the trailer section were read: the body ended.</summary>
        public readonly bool IsComplete => _phase == Phase.Done;

        /// <summary>
        /// Decodes from the start of <paramref name="input"/> as far as it goes, writing chunk data to
        /// <paramref name="output"/>. An incomplete chunk line or trailer section is left unconsumed, to be passed
        /// again with more bytes after it.
        /// </summary>
        /// <param name="input">Bytes from where the last call stopped consuming.</param>
        /// <param name="output">Receives the chunk data.</param>
        /// <param name="wrote">Whether any data was written.</param>
        /// <returns>Bytes of <paramref name="input"/> used; nothing past the body's end once <see cref="IsComplete"/>.</returns>
        /// <exception cref="UpstreamProtocolException"><see cref="UpstreamProtocolError.MalformedChunkSize"/>,
        /// <see cref="UpstreamProtocolError.ChunkSizeOverflow"/>, <see cref="UpstreamProtocolError.MalformedChunkLine"/>,
        /// <see cref="UpstreamProtocolError.BareCarriageReturn"/>, <see cref="UpstreamProtocolError.MissingChunkDataTerminator"/>,
        /// <see cref="UpstreamProtocolError.TrailerTooLarge"/>, or a malformed trailer field.</exception>
        public int Decode(ReadOnlySpan<byte> input, IBufferWriter<byte> output, out bool wrote)
        {
            var consumed = 0;
            wrote = false;
            while (true)
            {
                var rest = input[consumed..];
                switch (_phase)
                {
                    case Phase.Data:
                        if (rest.IsEmpty)
                        {
                            return consumed;
                        }

                        var take = (int)Math.Min(rest.Length, _chunkLeft);
                        output.Write(rest[..take]);
                        wrote = true;
                        consumed += take;
                        _chunkLeft -= take;
                        if (_chunkLeft == 0)
                        {
                            _phase = Phase.DataEnd;
                        }

                        break;

                    case Phase.DataEnd:
                        if (rest.Length < 2)
                        {
                            if (rest.Length == 1 && rest[0] != '\r')
                            {
                                UpstreamProtocolException.Throw(UpstreamProtocolError.MissingChunkDataTerminator);
                            }

                            return consumed;
                        }

                        if (rest[0] != '\r' || rest[1] != '\n')
                        {
                            UpstreamProtocolException.Throw(UpstreamProtocolError.MissingChunkDataTerminator);
                        }

                        consumed += 2;
                        _phase = Phase.SizeLine;
                        break;

                    case Phase.SizeLine:
                        // Looked for within the limit only, so junk without a line end is refused once the limit is buffered.
                        var lf = rest[..Math.Min(rest.Length, MaxChunkLineBytes)].IndexOf((byte)'\n');
                        if (lf < 0)
                        {
                            if (rest.Length >= MaxChunkLineBytes)
                            {
                                UpstreamProtocolException.Throw(UpstreamProtocolError.MalformedChunkLine);
                            }

                            return consumed;
                        }

                        if (lf == 0 || rest[lf - 1] != '\r')
                        {
                            UpstreamProtocolException.Throw(UpstreamProtocolError.MalformedChunkLine); // a bare LF
                        }

                        var size = ParseChunkLine(rest[..(lf - 1)]);
                        consumed += lf + 1;
                        _chunkLeft = size;
                        _phase = size == 0 ? Phase.Trailer : Phase.Data;
                        break;

                    case Phase.Trailer:
                        var end = Http1ResponseParser.IndexOfSectionEnd(rest, Http1ResponseParser.MaxHeadBytes, UpstreamProtocolError.TrailerTooLarge);
                        if (end < 0)
                        {
                            return consumed;
                        }

                        Http1ResponseParser.CheckTrailerSection(rest[..end]);
                        _phase = Phase.Done;
                        return consumed + end;

                    default:
                        return consumed;
                }
            }
        }

        /// <summary>Parses a chunk line without its CRLF: <c>chunk-size [ chunk-ext ]</c> (RFC 9112 section 7.1).</summary>
        /// <param name="line">The line, CRLF cut off.</param>
        /// <returns>The chunk size in bytes; 0 for the last chunk.</returns>
        /// <exception cref="UpstreamProtocolException"><see cref="UpstreamProtocolError.MalformedChunkSize"/>,
        /// <see cref="UpstreamProtocolError.ChunkSizeOverflow"/>, <see cref="UpstreamProtocolError.MalformedChunkLine"/>
        /// (a control byte in an extension) or <see cref="UpstreamProtocolError.BareCarriageReturn"/>.</exception>
        public static long ParseChunkLine(ReadOnlySpan<byte> line)
        {
            long size = 0;
            var digits = 0;
            for (; digits < line.Length; digits++)
            {
                var digit = HexValue(line[digits]);
                if (digit < 0)
                {
                    break;
                }

                // 16 hex digits fit 64 bits; the top nibble must stay clear for a long, so check before the shift.
                if (size > long.MaxValue >> 4)
                {
                    UpstreamProtocolException.Throw(UpstreamProtocolError.ChunkSizeOverflow);
                }

                size = (size << 4) | (long)digit;
            }

            if (digits == 0)
            {
                ThrowLineError(line, UpstreamProtocolError.MalformedChunkSize);
            }

            // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): checked for control bytes, then dropped.
            // Trailing whitespace alone is tolerated, as before this parser.
            var extension = line[digits..];
            var afterBws = extension.TrimStart(" \t"u8);
            if (!afterBws.IsEmpty && afterBws[0] != ';')
            {
                ThrowLineError(line, UpstreamProtocolError.MalformedChunkSize);
            }

            if (extension.ContainsAnyInRange((byte)0, (byte)8) || extension.ContainsAnyInRange((byte)10, (byte)31) || extension.Contains((byte)127))
            {
                ThrowLineError(line, UpstreamProtocolError.MalformedChunkLine);
            }

            return size;
        }

        // Unsigned: a byte below '0' (or 'a' once lowered) wraps to a large value, so one compare per range.
        private static int HexValue(byte b)
        {
            var digit = (uint)(b - '0');
            if (digit <= 9)
            {
                return (int)digit;
            }

            var letter = (uint)((b | 0x20) - 'a');
            return letter <= 5 ? (int)letter + 10 : -1;
        }

        [DoesNotReturn]
        [StackTraceHidden]
        private static void ThrowLineError(ReadOnlySpan<byte> line, UpstreamProtocolError error) =>
            UpstreamProtocolException.Throw(line.Contains((byte)'\r') ? UpstreamProtocolError.BareCarriageReturn : error);
    }
}
