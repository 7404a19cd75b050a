using System.Buffers;
using System.Text.Unicode;

namespace FastGateway.Proxy;

/// <summary>Why a request-target was refused (<see cref="RequestTarget.TryParse"/>).</summary>
internal enum TargetError : byte
{
    /// <summary>Nothing wrong.</summary>
    None,

    /// <summary>Not an origin-form or absolute-form target with a path (<c>*</c>, authority-form): not a protected-API request.</summary>
    NoPath,

    /// <summary>A raw octet outside RFC 3986's path grammar (section 3.3): space, control, non-ASCII, <c>\</c>, <c>"</c>...</summary>
    InvalidCharacter,

    /// <summary><c>%</c> not followed by two hex digits, or escapes that do not decode to UTF-8.</summary>
    InvalidEscape,

    /// <summary><c>%00</c>.</summary>
    NulOctet,

    /// <summary>A literal <c>.</c> or <c>..</c> segment (clients resolve them before sending, RFC 3986 section 5.2.4).</summary>
    DotSegment,

    /// <summary>A space, control, DEL or non-ASCII octet, or <c>#</c>, in the query.</summary>
    InvalidQuery,
}

/// <summary>
/// A request-target as the client sent it (<c>IHttpRequestFeature.RawTarget</c>: the HTTP/1.1 request-target, or
/// the HTTP/2 and HTTP/3 <c>:path</c>), split into path and query. The gateway matches its routes on the path decoded
/// here, and forwards the raw bytes with only the API's base path replaced: escapes are never decoded and re-encoded
/// on the way, so what was authorized is what the upstream gets.
/// </summary>
/// <param name="Raw">The target as received.</param>
/// <param name="PathStart">Index of the path's leading <c>/</c> in <paramref name="Raw"/>.</param>
/// <param name="QueryStart">Index of the <c>?</c>, or the length of <paramref name="Raw"/> when there is no query.</param>
internal readonly record struct RequestTarget(string Raw, int PathStart, int QueryStart)
{
    /// <summary>Longest path decoded on the stack, in characters; longer ones use a pooled buffer.</summary>
    public const int StackPathChars = 256;

    // RFC 3986 section 3.3 pchar and '/', without '%' (escapes are checked apart).
    private static readonly SearchValues<char> PathChars =
        SearchValues.Create("/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@");

    // What a query may hold raw: visible ASCII but '#' (RFC 3986 section 3.4 is stricter; real clients send '[', '|'...).
    private static readonly SearchValues<char> QueryChars =
        SearchValues.Create("!\"$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>The raw path (no query).</summary>
    public ReadOnlySpan<char> Path => Raw.AsSpan(PathStart, QueryStart - PathStart);

    /// <summary>The raw query with its <c>?</c>, or empty.</summary>
    public ReadOnlySpan<char> Query => Raw.AsSpan(QueryStart);

    /// <summary>
    /// Checks <paramref name="raw"/> against RFC 3986 and finds the risky octets a <see cref="PathPolicyOptions"/>
    /// decides on; writes the path routes are matched on.
    /// </summary>
    /// <param name="raw">The request-target as received.</param>
    /// <param name="scratch">At least as long as <paramref name="raw"/> when it holds a <c>%</c>: where a path with escapes is
    /// decoded. Unused otherwise (may be empty).</param>
    /// <param name="target">The split target, when this returns <see cref="TargetError.None"/>.</param>
    /// <param name="matchPath">The path to match routes on: percent-escapes decoded (UTF-8), except those of the kinds in
    /// <paramref name="octets"/>, which stay as received. A slice of <paramref name="raw"/> when it has no escape.</param>
    /// <param name="octets">The risky kinds present; the API's policy refuses or forwards each.</param>
    /// <returns>What is wrong, or <see cref="TargetError.None"/>.</returns>
    public static TargetError TryParse(string raw, Span<char> scratch, out RequestTarget target, out ReadOnlySpan<char> matchPath, out PathOctets octets)
    {
        target = default;
        matchPath = default;
        octets = PathOctets.None;
        var pathStart = PathStartOf(raw);
        if (pathStart < 0)
        {
            return TargetError.NoPath;
        }

        var queryStart = raw.IndexOf('?', pathStart);
        if (queryStart < 0)
        {
            queryStart = raw.Length;
        }
        else if (raw.AsSpan(queryStart + 1).ContainsAnyExcept(QueryChars))
        {
            return TargetError.InvalidQuery;
        }

        target = new RequestTarget(raw, pathStart, queryStart);
        var path = target.Path;
        var error = Scan(path, out octets, out var escaped);
        if (error != TargetError.None)
        {
            return error;
        }

        if (!escaped)
        {
            matchPath = path;
            return TargetError.None;
        }

        var length = Decode(path, scratch, keepRisky: true);
        if (length < 0)
        {
            return TargetError.InvalidEscape;
        }

        matchPath = scratch[..length];
        return TargetError.None;
    }

    /// <summary>Index in <see cref="Raw"/> where the path left after the first <paramref name="decodedLength"/> characters of
    /// the match path starts (the base path's end): escapes count as what they decode to.</summary>
    /// <param name="decodedLength">A length in the match path that ends on ASCII (a base path's length).</param>
    public int RawPathIndex(int decodedLength)
    {
        var i = PathStart;
        for (var n = 0; n < decodedLength && i < QueryStart; n++)
        {
            i += Raw[i] == '%' ? 3 : 1;
        }

        return i;
    }

    // Absolute-form (RFC 9112 section 3.2.2): Kestrel checked the authority against Host; the path follows it.
    private static int PathStartOf(string raw)
    {
        if (raw.StartsWith('/'))
        {
            return 0;
        }

        var schemeEnd = raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7
            : raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8 : -1;
        if (schemeEnd < 0)
        {
            return -1;
        }

        var slash = raw.AsSpan(schemeEnd).IndexOfAny('/', '?');
        return slash >= 0 && raw[schemeEnd + slash] == '/' ? schemeEnd + slash : -1;
    }

    // One pass over the raw path: grammar, escapes, segments. 'escaped' says whether anything needs decoding.
    private static TargetError Scan(ReadOnlySpan<char> path, out PathOctets octets, out bool escaped)
    {
        octets = PathOctets.None;
        escaped = false;
        // The usual path: plain characters (no '%'), no segment that starts with a dot, no empty segment. Three
        // vectorized searches instead of a lookup per character.
        if (!path.ContainsAnyExcept(PathChars) && path.IndexOf("/.", StringComparison.Ordinal) < 0 && path.IndexOf("//", StringComparison.Ordinal) < 0)
        {
            return TargetError.None;
        }

        var segmentStart = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                var segment = i - segmentStart;
                if (segment == 0 && i < path.Length)
                {
                    octets |= PathOctets.EmptySegments;
                }
                else
                {
                    switch (DotSegmentOf(path[segmentStart..i]))
                    {
                        case DotSegment.Literal:
                            return TargetError.DotSegment;
                        case DotSegment.Encoded:
                            octets |= PathOctets.EncodedDotSegments;
                            break;
                    }
                }

                segmentStart = i + 1;
                continue;
            }

            var c = path[i];
            if (c == '%')
            {
                if (i + 2 >= path.Length || !char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2]))
                {
                    return TargetError.InvalidEscape;
                }

                escaped = true;
                var octet = (char)HexValue(path[i + 1], path[i + 2]);
                switch (octet)
                {
                    case '\0':
                        return TargetError.NulOctet;
                    case '/' or '\\':
                        octets |= PathOctets.EscapedSlashes;
                        break;
                    case '%' when IsDoubleEncoded(path, i + 3):
                        octets |= PathOctets.DoubleEncoding;
                        break;
                    case < '\u0020' or '\u007F':
                        octets |= PathOctets.EncodedControlCharacters;
                        break;
                }

                i += 2;
            }
            else if (!PathChars.Contains(c))
            {
                return TargetError.InvalidCharacter;
            }
        }

        return TargetError.None;
    }

    /// <summary>
    /// The path decoded once, risky escapes included (<c>%2F</c> becomes <c>/</c>): how an upstream that decodes
    /// everything reads it. Used to tell whether a path the policy would refuse is aimed at an API at all.
    /// </summary>
    /// <param name="scratch">At least as long as <see cref="Path"/>.</param>
    /// <returns>The length written to <paramref name="scratch"/>; -1 when the escapes do not decode to UTF-8.</returns>
    public int DecodeFully(Span<char> scratch) => Decode(Path, scratch, keepRisky: false);

    // Decodes a path whose Scan passed into `scratch`. With keepRisky, escapes of a risky kind, and whole encoded dot
    // segments, stay as received. Returns the length in chars, or -1 when the decoded octets are not UTF-8.
    private static int Decode(ReadOnlySpan<char> path, Span<char> scratch, bool keepRisky)
    {
        byte[]? rented = null;
        var octets = path.Length <= StackPathChars ? stackalloc byte[StackPathChars] : (rented = ArrayPool<byte>.Shared.Rent(path.Length));
        try
        {
            var written = 0;
            var segmentStart = 0; // in octets
            var segmentRawStart = 0; // in path
            for (var i = 0; i < path.Length; i++)
            {
                var c = path[i];
                if (c == '/')
                {
                    if (keepRisky)
                    {
                        written = KeepEncodedDotSegment(path[segmentRawStart..i], octets, segmentStart, written);
                    }

                    octets[written++] = (byte)'/';
                    segmentStart = written;
                    segmentRawStart = i + 1;
                    continue;
                }

                if (c != '%')
                {
                    octets[written++] = (byte)c;
                    continue;
                }

                var octet = (char)HexValue(path[i + 1], path[i + 2]);
                var keep = keepRisky && (octet is '/' or '\\' or < '\u0020' or '\u007F'
                    || (octet == '%' && IsDoubleEncoded(path, i + 3)));
                if (keep)
                {
                    octets[written++] = (byte)'%';
                    octets[written++] = (byte)path[i + 1];
                    octets[written++] = (byte)path[i + 2];
                }
                else
                {
                    octets[written++] = (byte)octet;
                }

                i += 2;
            }

            if (keepRisky)
            {
                written = KeepEncodedDotSegment(path[segmentRawStart..], octets, segmentStart, written);
            }

            return Utf8.ToUtf16(octets[..written], scratch, out _, out var chars, replaceInvalidSequences: false) == OperationStatus.Done ? chars : -1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // A segment that is "." or ".." through escapes is matched as received, so the router never resolves it.
    private static int KeepEncodedDotSegment(ReadOnlySpan<char> rawSegment, Span<byte> octets, int segmentStart, int written)
    {
        if (DotSegmentOf(rawSegment) != DotSegment.Encoded)
        {
            return written;
        }

        for (var i = 0; i < rawSegment.Length; i++)
        {
            octets[segmentStart + i] = (byte)rawSegment[i];
        }

        return segmentStart + rawSegment.Length;
    }

    private enum DotSegment
    {
        None,
        Literal,
        Encoded,
    }

    // Whether a raw segment is a dot segment: "." or "..", with %2E counted as a dot, before any ';' (Tomcat and other
    // servlet containers drop a path parameter, so "..;x" is ".." to them).
    private static DotSegment DotSegmentOf(ReadOnlySpan<char> segment)
    {
        var parameters = segment.IndexOf(';');
        if (parameters >= 0)
        {
            segment = segment[..parameters];
        }

        var dots = 0;
        var encoded = false;
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '.')
            {
                dots++;
            }
            else if (segment[i] == '%' && i + 2 < segment.Length && segment[i + 1] == '2' && (segment[i + 2] | 0x20) == 'e')
            {
                dots++;
                encoded = true;
                i += 2;
            }
            else
            {
                return DotSegment.None;
            }
        }

        return dots is 1 or 2 ? (encoded ? DotSegment.Encoded : DotSegment.Literal) : DotSegment.None;
    }

    // Whether the two characters after a %25 (at `next`) decode, once, to hex digits: "%2541" and "%25%34%31" alike
    // become an escape when an upstream decodes a second time.
    private static bool IsDoubleEncoded(ReadOnlySpan<char> path, int next) =>
        IsDecodedHexDigit(path, ref next) && IsDecodedHexDigit(path, ref next);

    private static bool IsDecodedHexDigit(ReadOnlySpan<char> path, ref int at)
    {
        if (at >= path.Length)
        {
            return false;
        }

        if (path[at] != '%')
        {
            return char.IsAsciiHexDigit(path[at++]);
        }

        if (at + 2 >= path.Length || !char.IsAsciiHexDigit(path[at + 1]) || !char.IsAsciiHexDigit(path[at + 2]))
        {
            return false;
        }

        var decoded = (char)HexValue(path[at + 1], path[at + 2]);
        at += 3;
        return char.IsAsciiHexDigit(decoded);
    }

    private static byte HexValue(char high, char low) => (byte)((HexDigit(high) << 4) | HexDigit(low));

    private static int HexDigit(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
