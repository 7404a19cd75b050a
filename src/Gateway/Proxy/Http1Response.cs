using System.Buffers;
using System.Buffers.Text;
using System.Collections.Frozen;
using System.IO.Pipelines;
using System.Text;

namespace FastGateway.Proxy;

/// <summary>The upstream's response broke HTTP/1.1 (RFC 9112), or ended before it was whole.</summary>
internal sealed class UpstreamProtocolException(string message) : Exception(message);

/// <summary>How an upstream response's body is delimited (RFC 9112 section 6.3).</summary>
internal enum BodyFraming
{
    /// <summary>No body: HEAD, 1xx, 204, 304.</summary>
    None,

    /// <summary>Exactly <c>Content-Length</c> bytes.</summary>
    ContentLength,

    /// <summary>Chunked transfer coding.</summary>
    Chunked,

    /// <summary>Until the upstream closes the connection.</summary>
    UntilClose,
}

/// <summary>What the response head said about the body and the connection.</summary>
/// <param name="Framing">How the body is delimited.</param>
/// <param name="ContentLength">Body length in bytes when <paramref name="Framing"/> is <see cref="BodyFraming.ContentLength"/>.</param>
/// <param name="KeepAlive">Whether the connection may carry another exchange after this one.</param>
internal readonly record struct ResponseHead(BodyFraming Framing, long ContentLength, bool KeepAlive);

/// <summary>
/// Reads an upstream's HTTP/1.1 response (RFC 9112) from its pipe into the client's <see cref="HttpResponse"/>:
/// status and end-to-end fields, then the body, decoded from its framing and streamed as it arrives.
/// </summary>
internal static class Http1Response
{
    /// <summary>Largest response head accepted (status line and fields), in bytes; larger is a 502.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Field names common in responses: their strings are reused, and so are their values while they repeat on a connection.
    /// None is hop-by-hop, so a known name skips that lookup.</summary>
    public static readonly string[] KnownNames =
    [
        "Content-Type", "Date", "Server", "Cache-Control", "ETag", "Last-Modified", "Vary", "Location", "Set-Cookie",
        "Expires", "Content-Encoding", "Content-Language", "Content-Disposition", "Content-Range", "Accept-Ranges", "Age",
        "Pragma", "WWW-Authenticate", "Retry-After", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
        "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Link",
    ];

    private const int MaxChunkLineBytes = 4096;

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> HopByHopLookup =
        Http1Request.HopByHop.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly int LongestHopByHopName = Http1Request.HopByHop.Max(name => name.Length);

    // RFC 9110 section 5.6.2 tchar: what a field name may hold.
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"u8);

    // Field values may hold VCHAR, obs-text, SP and HTAB (RFC 9110 section 5.5); Kestrel refuses to send anything else.
    private static readonly SearchValues<byte> ControlBytes =
        SearchValues.Create([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    /// <summary>
    /// Parses the response head from what <paramref name="connection"/>'s reader holds: once the final head is whole
    /// (interim 1xx responses skipped), sets the status and fields on <paramref name="response"/> and consumes the head.
    /// Synchronous so the caller's single async loop owns the reads.
    /// </summary>
    /// <param name="connection">The upstream connection (its reader, and its recent-value cache).</param>
    /// <param name="response">The client's response, not started.</param>
    /// <param name="isHead">Whether the request was HEAD (no body follows whatever the fields say).</param>
    /// <param name="head">The body framing and whether the connection can be reused, when this returns true.</param>
    /// <returns>true when the head is complete; false to read more (<see cref="UpstreamReader.ReadAsync"/>, <see cref="UpstreamReader.Append"/>) and call again.</returns>
    /// <exception cref="UpstreamProtocolException">Malformed or oversized head, or the connection closed first
    /// (<see cref="ReadNothing"/> when not a byte of a response came).</exception>
    public static bool TryReadHead(UpstreamConnection connection, HttpResponse response, bool isHead, out ResponseHead head)
    {
        var reader = connection.Reader;
        while (true)
        {
            var buffered = reader.Buffered;
            var end = IndexOfHeadEnd(buffered, "response head");
            if (end < 0)
            {
                if (reader.IsCompleted)
                {
                    throw buffered.IsEmpty ? ReadNothing : new UpstreamProtocolException("the upstream closed the connection mid-head");
                }

                head = default;
                return false;
            }

            var interim = ParseHead(buffered[..end], connection, response, isHead, out head);
            reader.Consume(end);
            if (!interim)
            {
                return true;
            }
        }
    }

    /// <summary>Thrown when the upstream closed the connection before sending any byte of a response: on a reused
    /// connection this is the stale keep-alive race (RFC 9112 section 9.3.1), safe to retry on a new one.</summary>
    public static UpstreamProtocolException ReadNothing { get; } = new("the upstream closed the connection without answering");

    /// <summary>Copies the body from the upstream to the client, decoding its framing, flushing as data arrives.
    /// A small body already read with the head completes synchronously (no allocation).</summary>
    /// <returns>false when the client went away (its pipe completed) before the body ended.</returns>
    /// <exception cref="UpstreamProtocolException">The upstream closed early or broke the chunked coding.</exception>
    /// <exception cref="IOException">The upstream connection failed.</exception>
    public static ValueTask<bool> CopyBodyAsync(UpstreamReader upstream, PipeWriter client, in ResponseHead head, CancellationToken cancellationToken) => head.Framing switch
    {
        BodyFraming.ContentLength => CopyLengthAsync(upstream, client, head.ContentLength, cancellationToken),
        BodyFraming.Chunked => CopyChunkedAsync(upstream, client, cancellationToken),
        BodyFraming.UntilClose => CopyLengthAsync(upstream, client, long.MaxValue, cancellationToken),
        _ => ValueTask.FromResult(true),
    };

    // Parses one whole head (status line through the empty line); returns whether it was an interim (1xx) response.
    private static bool ParseHead(ReadOnlySpan<byte> head, UpstreamConnection connection, HttpResponse response, bool isHead, out ResponseHead framing)
    {
        var statusLine = NextLine(ref head);
        // "HTTP/1.x SSS[ reason]"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != ' ' || (statusLine.Length > 12 && statusLine[12] != ' ')
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var consumed) || consumed != 3 || status < 100)
        {
            throw new UpstreamProtocolException("malformed status line");
        }

        var keepAlive = statusLine[7] == '1'; // HTTP/1.1 persists by default, 1.0 does not (RFC 9112 section 9.3)
        var chunked = false;
        var otherCoding = false;
        long contentLength = -1;
        List<string>? connectionOptions = null;
        var headers = response.Headers;
        var knownSeen = 0UL; // bit i: KnownNames[i] already added from this head
        if (status >= 200)
        {
            response.StatusCode = status;
        }

        ReadOnlySpan<byte> line;
        while (!(line = NextLine(ref head)).IsEmpty)
        {
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
            {
                throw new UpstreamProtocolException("malformed header field"); // includes obsolete line folding (RFC 9112 section 5.2)
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.ContainsAny(ControlBytes))
            {
                throw new UpstreamProtocolException("control character in a header field value");
            }

            if (status < 200)
            {
                continue; // interim response fields are not forwarded
            }

            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0 || (contentLength >= 0 && contentLength != length))
                {
                    throw new UpstreamProtocolException("invalid Content-Length");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // Only a final "chunked" delimits the body; any other coding runs until close (RFC 9112 section 6.3).
                var last = value.LastIndexOf((byte)',');
                chunked = Ascii.EqualsIgnoreCase(value[(last + 1)..].Trim(" \t"u8), "chunked"u8);
                otherCoding |= !chunked;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var option = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(option, "close"u8))
                    {
                        keepAlive = false;
                    }
                    else if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
                    {
                        keepAlive |= statusLine[7] == '0';
                    }
                    else if (!option.IsEmpty)
                    {
                        (connectionOptions ??= []).Add(Encoding.ASCII.GetString(option));
                    }
                }
            }
            else
            {
                AddField(headers, connection.RecentValues, ref knownSeen, name, value);
            }
        }

        framing = default;
        if (status < 200)
        {
            if (status == 101)
            {
                throw new UpstreamProtocolException("101 Switching Protocols without an upgrade request");
            }

            return true;
        }

        if (connectionOptions is not null)
        {
            foreach (var option in connectionOptions)
            {
                headers.Remove(option);
            }
        }

        BodyFraming bodyFraming;
        if (isHead || status is 204 or 304)
        {
            bodyFraming = BodyFraming.None;
            if (contentLength >= 0 && !chunked)
            {
                response.ContentLength = contentLength; // describes the body a GET would get
            }
        }
        else if (chunked)
        {
            bodyFraming = BodyFraming.Chunked;
            keepAlive &= contentLength < 0; // both: a smuggling attempt or a broken upstream; never reuse (RFC 9112 section 6.1)
        }
        else if (otherCoding || contentLength < 0)
        {
            bodyFraming = BodyFraming.UntilClose;
            keepAlive = false;
        }
        else
        {
            bodyFraming = BodyFraming.ContentLength;
            response.ContentLength = contentLength;
        }

        framing = new ResponseHead(bodyFraming, contentLength, keepAlive);
        return false;
    }

    // The response holds no fields but this head's (the proxy runs first; a retry clears it), so the first line of a
    // known name is set, without Append's lookup and concatenation.
    private static void AddField(IHeaderDictionary headers, string?[] recentValues, ref ulong knownSeen, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        string nameText;
        string valueText;
        var known = IndexOfKnownName(name);
        if (known >= 0)
        {
            nameText = KnownNames[known];
            var recent = recentValues[known];
            if (recent is not null && Ascii.Equals(value, recent))
            {
                valueText = recent;
            }
            else
            {
                valueText = recentValues[known] = Encoding.Latin1.GetString(value);
            }

            var bit = 1UL << known;
            if ((knownSeen & bit) == 0)
            {
                knownSeen |= bit;
                headers[nameText] = valueText;
                return;
            }
        }
        else
        {
            if (IsHopByHop(name))
            {
                return; // known names are never hop-by-hop, so only the others are looked up
            }

            if (name.ContainsAnyExcept(TokenBytes))
            {
                throw new UpstreamProtocolException("invalid header field name");
            }

            nameText = Encoding.ASCII.GetString(name);
            valueText = Encoding.Latin1.GetString(value);
        }

        // Repeated fields (Set-Cookie, Vary...) keep every line.
        headers.Append(nameText, valueText);
    }

    private static int IndexOfKnownName(ReadOnlySpan<byte> name)
    {
        var names = KnownNames;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == name.Length && Ascii.EqualsIgnoreCase(name, names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // The one hop-by-hop list (Http1Request.HopByHop), looked up without allocating a string for the name.
    private static bool IsHopByHop(ReadOnlySpan<byte> name)
    {
        if (name.Length > LongestHopByHopName)
        {
            return false;
        }

        Span<char> chars = stackalloc char[name.Length];
        return Ascii.ToUtf16(name, chars, out _) == OperationStatus.Done && HopByHopLookup.Contains(chars);
    }

    // Length of the head through its first empty line, or -1 when it has not all arrived. A bare LF counts as a line
    // end (RFC 9112 section 2.2). Also finds the end of a chunked trailer section, which ends the same way. Enforces
    // MaxHeadBytes whether the section is whole or not, so no caller can forget the limit.
    private static int IndexOfHeadEnd(ReadOnlySpan<byte> buffered, string section)
    {
        var offset = 0;
        while (true)
        {
            var lf = buffered[offset..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return buffered.Length > MaxHeadBytes ? throw TooLong(section) : -1;
            }

            var empty = lf == 0 || (lf == 1 && buffered[offset] == '\r');
            offset += lf + 1;
            if (empty)
            {
                return offset > MaxHeadBytes ? throw TooLong(section) : offset;
            }
        }

        static UpstreamProtocolException TooLong(string section) => new($"{section} over {MaxHeadBytes} bytes");
    }

    // The next line of a whole head, without its line end; empty at the head's empty line.
    private static ReadOnlySpan<byte> NextLine(scoped ref ReadOnlySpan<byte> head)
    {
        var lf = head.IndexOf((byte)'\n');
        var line = TrimCr(head[..lf]);
        head = head[(lf + 1)..];
        return line;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private static async ValueTask<bool> CopyLengthAsync(UpstreamReader upstream, PipeWriter client, long remaining, CancellationToken cancellationToken)
    {
        while (remaining > 0)
        {
            var buffered = upstream.BufferedMemory;
            if (buffered.IsEmpty)
            {
                if (upstream.IsCompleted)
                {
                    return remaining == long.MaxValue
                        ? true
                        : throw new UpstreamProtocolException($"the upstream closed the connection with {remaining} body bytes still due");
                }

                upstream.Append(await upstream.ReadAsync(cancellationToken).ConfigureAwait(false));
                continue;
            }

            // WriteAsync, not Write and FlushAsync: Kestrel writes the response head and the first bytes of the body
            // into its pipe in one step, where GetSpan before the head leases a buffer and copies it again after.
            // The bytes stay put until the next read, which waits for this write.
            var take = (int)Math.Min(buffered.Length, remaining);
            var write = client.WriteAsync(buffered[..take], cancellationToken);
            upstream.Consume(take);
            if (remaining != long.MaxValue)
            {
                remaining -= take;
            }

            if ((await write.ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }
        }

        return true;
    }

    private static async ValueTask<bool> CopyChunkedAsync(UpstreamReader upstream, PipeWriter client, CancellationToken cancellationToken)
    {
        long chunkLeft = 0; // data bytes of the current chunk still to copy
        var needCrLf = false; // the CRLF after a chunk's data is still to be read
        while (true)
        {
            var (wrote, last) = DecodeChunks(upstream, client, ref chunkLeft, ref needCrLf);
            if (last)
            {
                // Last chunk: skip the trailer section up to its empty line (trailers are not forwarded).
                if (!await SkipTrailersAsync(upstream, cancellationToken).ConfigureAwait(false))
                {
                    throw new UpstreamProtocolException("the upstream closed the connection in the chunked trailer");
                }

                return !wrote || !(await client.FlushAsync(cancellationToken).ConfigureAwait(false)).IsCompleted;
            }

            if (wrote && (await client.FlushAsync(cancellationToken).ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }

            if (upstream.IsCompleted)
            {
                throw new UpstreamProtocolException("the upstream closed the connection mid-chunk");
            }

            upstream.Append(await upstream.ReadAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    // Decodes what is buffered of a chunked body (RFC 9112 section 7.1) into the client's pipe, consuming it; stops
    // after the last chunk's size line (last = true) or where the buffered bytes run out.
    private static (bool Wrote, bool Last) DecodeChunks(UpstreamReader upstream, PipeWriter client, ref long chunkLeft, ref bool needCrLf)
    {
        var buffered = upstream.Buffered;
        var consumed = 0;
        var wrote = false;
        var last = false;
        while (true)
        {
            var rest = buffered[consumed..];
            if (chunkLeft > 0)
            {
                if (rest.IsEmpty)
                {
                    break;
                }

                var take = (int)Math.Min(rest.Length, chunkLeft);
                client.Write(rest[..take]);
                chunkLeft -= take;
                consumed += take;
                wrote = true;
                needCrLf = chunkLeft == 0;
                continue;
            }

            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (rest.Length > MaxChunkLineBytes)
                {
                    throw new UpstreamProtocolException("chunk line too long");
                }

                break;
            }

            var line = TrimCr(rest[..lf]);
            consumed += lf + 1;
            if (needCrLf)
            {
                if (!line.IsEmpty)
                {
                    throw new UpstreamProtocolException("chunk data not followed by CRLF");
                }

                needCrLf = false;
                continue;
            }

            var extension = line.IndexOf((byte)';');
            var size = (extension < 0 ? line : line[..extension]).TrimEnd(" \t"u8);
            if (!Utf8Parser.TryParse(size, out ulong length, out var used, 'x') || used != size.Length || size.IsEmpty || length > long.MaxValue)
            {
                throw new UpstreamProtocolException("malformed chunk size");
            }

            if (length == 0)
            {
                last = true;
                break;
            }

            chunkLeft = (long)length;
        }

        upstream.Consume(consumed);
        return (wrote, last);
    }

    private static async ValueTask<bool> SkipTrailersAsync(UpstreamReader upstream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = IndexOfHeadEnd(upstream.Buffered, "chunked trailer section");
            if (end >= 0)
            {
                upstream.Consume(end);
                return true;
            }

            if (upstream.IsCompleted)
            {
                return false;
            }

            upstream.Append(await upstream.ReadAsync(cancellationToken).ConfigureAwait(false));
        }
    }
}
