using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace FastGateway.Proxy;

/// <summary>
/// Parses an upstream's HTTP/1.1 response head (RFC 9112 sections 4 and 5) from a span into a struct
/// <see cref="IResponseHeadHandler"/>, and decides the body's framing (RFC 9112 section 6.3). No socket, no
/// <see cref="HttpResponse"/>: <see cref="Http1Response"/> feeds it the upstream reader's buffer and a handler that
/// writes the client's response.
/// </summary>
/// <remarks>
/// <para>Refused, as <see cref="UpstreamProtocolException"/> (a 502 before the response starts):</para>
/// <list type="bullet">
/// <item>a status line other than <c>HTTP/1.1</c> or <c>HTTP/1.0</c>, SP, 3 digits from 100, then end of line or SP and
/// a reason phrase without control bytes (HTAB allowed);</item>
/// <item>a field line starting with whitespace (obs-fold), without a colon, with a name that is empty or not a token
/// (so whitespace before the colon too), or with a control byte other than HTAB in its value (NUL, DEL...);</item>
/// <item>a bare CR anywhere in the head. A bare LF ends a line as CRLF does (RFC 9112 section 2.2 allows it);</item>
/// <item><c>Content-Length</c> that is not plain digits fitting a <see cref="long"/> (a sign, hex, a list such as
/// <c>5, 5</c>, junk), or that comes in more than one line; <c>Transfer-Encoding</c> with no coding or
/// <c>chunked</c> twice;</item>
/// <item>101 (the gateway never asks for an upgrade), more than <see cref="MaxInterimResponses"/> interim responses,
/// and heads over <see cref="MaxHeadBytes"/> (interim responses and the final head together).</item>
/// </list>
/// <para>Accepted but the connection not reused (<see cref="ResponseHead.KeepAlive"/> false), since bytes after the
/// response could not be trusted to start the next one:</para>
/// <list type="bullet">
/// <item>any HTTP/1.0 response, even with <c>Connection: keep-alive</c>; <c>Connection: close</c>;</item>
/// <item><c>Content-Length</c> with <c>Transfer-Encoding</c> (chunked wins; RFC 9112 section 6.1);</item>
/// <item>a body that runs until close (no length, or a final coding other than chunked);</item>
/// <item>a 1xx, 204 or 304 that carries <c>Transfer-Encoding</c> or a <c>Content-Length</c> above 0, and an interim
/// response with <c>Connection: close</c>: no body is read for them whatever the fields say.</item>
/// </list>
/// <para>204 never forwards <c>Content-Length</c> (RFC 9110 section 8.6); HEAD and 304 forward it, as it describes the
/// body a GET would get. A head is reported only once whole, interim responses never; a refused head may have been
/// partly reported, never completed.</para>
/// </remarks>
internal static class Http1ResponseParser
{
    /// <summary>Largest response head accepted, in bytes: interim responses and the final head together; also bounds
    /// a chunked trailer section. Larger is refused.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Most interim (1xx) responses accepted before the final one, so an upstream cannot keep a request
    /// waiting with an endless stream of them.</summary>
    public const int MaxInterimResponses = 10;


    /// <summary>
    /// Parses the response at the start of <paramref name="buffered"/>: skips whole interim (1xx) responses, then
    /// reports the final head to <paramref name="handler"/> and decides its framing. Until the final head is whole
    /// nothing is reported or consumed, so the caller passes the same bytes plus more on the next call. The whole
    /// sequence is parsed again then (as the old parser rescanned for the head's end): bounded by <see cref="MaxHeadBytes"/>.
    /// </summary>
    /// <typeparam name="THandler">A struct, so the calls are devirtualized.</typeparam>
    /// <param name="buffered">The bytes read from the upstream and not consumed; may run past the head into the body.</param>
    /// <param name="isHead">Whether the request was HEAD: no body follows whatever the fields say.</param>
    /// <param name="handler">Receives the final head.</param>
    /// <param name="consumed">Bytes of interim responses and the final head, when this returns true; else 0.</param>
    /// <param name="head">The framing decision, when this returns true.</param>
    /// <returns>true when the final head was whole; false when more bytes are needed.</returns>
    /// <exception cref="UpstreamProtocolException">The head breaks a rule listed on this type, or is over
    /// <see cref="MaxHeadBytes"/> (checked before it is whole too).</exception>
    public static bool TryParseHead<THandler>(ReadOnlySpan<byte> buffered, bool isHead, ref THandler handler, out int consumed, out ResponseHead head)
        where THandler : struct, IResponseHeadHandler
    {
        var offset = 0;
        var interim = 0;
        var distrust = false; // an interim response said something about framing or closing
        while (true)
        {
            var length = IndexOfSectionEnd(buffered[offset..], MaxHeadBytes - offset, UpstreamProtocolError.HeadTooLarge);
            if (length < 0)
            {
                consumed = 0;
                head = default;
                return false;
            }

            var section = buffered.Slice(offset, length);
            offset += length;
            var status = ParseStatusLine(NextLine(ref section), out var version, out var reason);
            var fields = new FramingFields();
            if (status < 200)
            {
                if (status == 101)
                {
                    UpstreamProtocolException.Throw(UpstreamProtocolError.UnexpectedSwitchingProtocols);
                }

                if (++interim > MaxInterimResponses)
                {
                    UpstreamProtocolException.Throw(UpstreamProtocolError.TooManyInterimResponses);
                }

                // Checked as strictly as a final head, but not reported: interim fields are not forwarded.
                var discard = default(DiscardFields);
                ParseFields(section, ref discard, ref fields);
                distrust |= fields.ContentLength > 0 || fields.TransferCoding != TransferCoding.None || fields.ConnectionClose;
                continue;
            }

            handler.OnStatusLine(version, status, reason);
            ParseFields(section, ref handler, ref fields);
            head = DecideFraming(status, version, isHead, fields);
            if (distrust)
            {
                head = head with { KeepAlive = false };
            }

            handler.OnHeadComplete(head);
            consumed = offset;
            return true;
        }
    }

    /// <summary>
    /// The body framing of a final response (RFC 9112 section 6.3) and whether its connection may be reused:
    /// <code>
    /// 1xx, 204, 304  -> None; reuse only without Transfer-Encoding and with Content-Length absent or 0;
    ///                   Content-Length forwarded for 304 only
    /// HEAD           -> None; Content-Length forwarded unless Transfer-Encoding came too
    /// TE, chunked    -> Chunked; reuse only without Content-Length
    /// TE, other      -> UntilClose; no reuse
    /// Content-Length -> ContentLength
    /// neither        -> UntilClose; no reuse
    /// </code>
    /// and no reuse after HTTP/1.0 or <c>Connection: close</c> in any case.
    /// </summary>
    /// <param name="statusCode">100 to 999.</param>
    /// <param name="version">The status line's version.</param>
    /// <param name="isHead">Whether the request was HEAD.</param>
    /// <param name="fields">The framing fields the head carried.</param>
    /// <returns>The framing, the <c>Content-Length</c> to forward (-1 none) and whether the connection may be reused.</returns>
    public static ResponseHead DecideFraming(int statusCode, Http1Version version, bool isHead, in FramingFields fields)
    {
        // An HTTP/1.0 upstream's keep-alive is not trusted: we sent HTTP/1.1, so it did not understand the request's framing rules.
        var keepAlive = version == Http1Version.Http11 && !fields.ConnectionClose;
        var length = fields.ContentLength;
        var coding = fields.TransferCoding;
        if (statusCode < 200 || statusCode is 204 or 304)
        {
            // No body whatever the fields say; one they announce anyway might follow, and would be read as the next response.
            keepAlive &= coding == TransferCoding.None && length <= 0;
            return new ResponseHead(BodyFraming.None, statusCode == 304 && coding == TransferCoding.None ? length : -1, keepAlive);
        }

        if (coding != TransferCoding.None)
        {
            // Both: a smuggling attempt or a broken upstream. Transfer-Encoding wins, the connection is closed (RFC 9112 section 6.1).
            keepAlive &= length < 0;
            return isHead ? new ResponseHead(BodyFraming.None, -1, keepAlive)
                : coding == TransferCoding.Chunked ? new ResponseHead(BodyFraming.Chunked, -1, keepAlive)
                : new ResponseHead(BodyFraming.UntilClose, -1, false);
        }

        return isHead ? new ResponseHead(BodyFraming.None, length, keepAlive)
            : length >= 0 ? new ResponseHead(BodyFraming.ContentLength, length, keepAlive)
            : new ResponseHead(BodyFraming.UntilClose, -1, false);
    }

    /// <summary>
    /// Length of a head or trailer section at the start of <paramref name="buffered"/>, through its first empty line;
    /// a bare LF counts as a line end (RFC 9112 section 2.2).
    /// </summary>
    /// <param name="buffered">Bytes from the section's first line on.</param>
    /// <param name="limit">Most bytes the section may take.</param>
    /// <param name="tooLarge">The error when it takes more, whole or not yet whole.</param>
    /// <returns>The section's length in bytes, or -1 when it has not all arrived.</returns>
    /// <exception cref="UpstreamProtocolException"><paramref name="tooLarge"/>.</exception>
    public static int IndexOfSectionEnd(ReadOnlySpan<byte> buffered, int limit, UpstreamProtocolError tooLarge)
    {
        var offset = 0;
        while (true)
        {
            var lf = buffered[offset..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return buffered.Length > limit ? UpstreamProtocolException.Throw<int>(tooLarge) : -1;
            }

            var empty = lf == 0 || (lf == 1 && buffered[offset] == '\r');
            offset += lf + 1;
            if (offset > limit)
            {
                UpstreamProtocolException.Throw(tooLarge);
            }

            if (empty)
            {
                return offset;
            }
        }
    }

    /// <summary>Checks a chunked trailer section's field lines as strictly as a head's; their content is dropped
    /// (trailers are not forwarded).</summary>
    /// <param name="section">The whole section, through its empty line (<see cref="IndexOfSectionEnd"/>).</param>
    /// <exception cref="UpstreamProtocolException">A malformed field line.</exception>
    public static void CheckTrailerSection(ReadOnlySpan<byte> section)
    {
        ReadOnlySpan<byte> line;
        while (!(line = NextLine(ref section)).IsEmpty)
        {
            SplitField(line, out _, out _);
        }
    }

    // "HTTP/1.x SP 3DIGIT [SP reason-phrase]" (RFC 9112 section 4); the status code, from 100.
    private static int ParseStatusLine(ReadOnlySpan<byte> line, out Http1Version version, out ReadOnlySpan<byte> reason)
    {
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[7] is not ((byte)'0' or (byte)'1') || line[8] != ' '
            || (line.Length > 12 && line[12] != ' '))
        {
            ThrowLineError(line, UpstreamProtocolError.MalformedStatusLine);
        }

        // Unsigned: a byte below '0' wraps to a large value, so one compare per digit.
        var hundreds = (uint)(line[9] - '0');
        var tens = (uint)(line[10] - '0');
        var units = (uint)(line[11] - '0');
        if (hundreds - 1 > 8 || tens > 9 || units > 9)
        {
            ThrowLineError(line, UpstreamProtocolError.MalformedStatusLine);
        }

        version = line[7] == '1' ? Http1Version.Http11 : Http1Version.Http10;
        reason = line.Length > 12 ? line[13..] : default;
        if (reason.ContainsAny(HttpCharacters.FieldValueControlBytes))
        {
            ThrowLineError(line, UpstreamProtocolError.MalformedStatusLine);
        }

        return (int)((hundreds * 100) + (tens * 10) + units);
    }

    // Field lines up to the section's empty line: the framing fields into `fields`, the others to the handler.
    private static void ParseFields<THandler>(ReadOnlySpan<byte> section, ref THandler handler, ref FramingFields fields)
        where THandler : struct, IResponseHeadHandler
    {
        ReadOnlySpan<byte> line;
        while (!(line = NextLine(ref section)).IsEmpty)
        {
            SplitField(line, out var name, out var value);

            // The length first: most names are none of the three, and fail on one integer compare.
            if (name.Length == 14 && Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                fields.AddContentLength(value);
            }
            else if (name.Length == 17 && Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                fields.AddTransferEncoding(value);
            }
            else if (name.Length == 10 && Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var option = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(option, "close"u8))
                    {
                        fields.ConnectionClose = true;
                    }
                    else if (!option.IsEmpty && !Ascii.EqualsIgnoreCase(option, "keep-alive"u8) && !option.ContainsAnyExcept(HttpCharacters.TokenBytes))
                    {
                        handler.OnConnectionOption(option); // names a field to drop; a non-token could name none
                    }
                }
            }
            else
            {
                handler.OnField(name, value);
            }
        }
    }

    // field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5).
    private static void SplitField(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            UpstreamProtocolException.Throw(UpstreamProtocolError.ObsoleteLineFolding);
        }

        var colon = line.IndexOf((byte)':');
        name = colon > 0 ? line[..colon] : default;
        if (name.IsEmpty || name.ContainsAnyExcept(HttpCharacters.TokenBytes))
        {
            ThrowLineError(line, UpstreamProtocolError.MalformedField); // whitespace before the colon is not tchar either
        }

        value = line[(colon + 1)..].Trim(" \t"u8);
        if (value.ContainsAny(HttpCharacters.FieldValueControlBytes))
        {
            ThrowLineError(line, UpstreamProtocolError.InvalidFieldValue);
        }
    }

    // The next line of a whole section, without its line end (LF or CRLF); empty at the section's empty line.
    private static ReadOnlySpan<byte> NextLine(scoped ref ReadOnlySpan<byte> section)
    {
        var lf = section.IndexOf((byte)'\n');
        var line = section[..lf];
        section = section[(lf + 1)..];
        return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
    }

    // A CR left in a line after its line end was cut off is a bare CR, whatever else is wrong with the line.
    [DoesNotReturn]
    [StackTraceHidden]
    private static void ThrowLineError(ReadOnlySpan<byte> line, UpstreamProtocolError error) =>
        UpstreamProtocolException.Throw(line.Contains((byte)'\r') ? UpstreamProtocolError.BareCarriageReturn : error);

    // Interim responses' fields are checked, then dropped.
    private struct DiscardFields : IResponseHeadHandler
    {
        public readonly void OnStatusLine(Http1Version version, int statusCode, ReadOnlySpan<byte> reasonPhrase)
        {
        }

        public readonly void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
        }

        public readonly void OnConnectionOption(ReadOnlySpan<byte> option)
        {
        }

        public readonly void OnHeadComplete(in ResponseHead head)
        {
        }
    }
}
