using System.Text;

namespace FastGateway.Proxy;

/// <summary>The transfer codings a response's <c>Transfer-Encoding</c> fields listed, as far as framing cares.</summary>
internal enum TransferCoding : byte
{
    /// <summary>No <c>Transfer-Encoding</c> field.</summary>
    None,

    /// <summary><c>chunked</c> is the final coding: the body is chunked (RFC 9112 section 6.3, rule 4).</summary>
    Chunked,

    /// <summary>Codings whose final one is not <c>chunked</c>: a response body then runs until the connection closes.</summary>
    Other,
}

/// <summary>
/// The fields of a response head that decide its framing (RFC 9112 section 6.3), read by <see cref="Http1ResponseParser"/>
/// and never forwarded as they are: <c>Content-Length</c>, <c>Transfer-Encoding</c>, <c>Connection: close</c>.
/// </summary>
internal struct FramingFields
{
    // Largest value whose tenfold plus a digit may still fit a long: the overflow test is one compare per digit.
    private const long MaxBeforeLastDigit = long.MaxValue / 10;

    private bool _sawChunked;

    /// <summary>No framing field seen yet.</summary>
    public FramingFields() => ContentLength = -1;

    /// <summary>The <c>Content-Length</c> value in bytes, or -1 when there was none.</summary>
    public long ContentLength { get; set; }

    /// <summary>What the <c>Transfer-Encoding</c> fields say, all lines taken as one list.</summary>
    public TransferCoding TransferCoding { get; set; }

    /// <summary>Whether <c>Connection</c> listed <c>close</c>.</summary>
    public bool ConnectionClose { get; set; }

    /// <summary>Reads one <c>Content-Length</c> field line: exactly <c>1*DIGIT</c> (RFC 9110 section 8.6) fitting a
    /// <see cref="long"/>. A list such as <c>5, 5</c> is refused rather than collapsed (RFC 9110 section 8.6 allows
    /// either), and so is a second field line, equal or not, as nginx refuses it from upstreams: one reading of
    /// the framing, no room for a downstream to read another.</summary>
    /// <param name="value">The field value, trimmed.</param>
    /// <exception cref="UpstreamProtocolException"><see cref="UpstreamProtocolError.InvalidContentLength"/> or
    /// <see cref="UpstreamProtocolError.MultipleContentLength"/>.</exception>
    public void AddContentLength(ReadOnlySpan<byte> value)
    {
        if (ContentLength >= 0)
        {
            UpstreamProtocolException.Throw(UpstreamProtocolError.MultipleContentLength);
        }

        ContentLength = ParseContentLength(value);
    }

    /// <summary>Reads one <c>Transfer-Encoding</c> field line (RFC 9112 section 6.1): a comma-separated list of codings,
    /// empty elements ignored (RFC 9110 section 5.6.1). Codings after <c>chunked</c> make <see cref="TransferCoding.Other"/>.</summary>
    /// <param name="value">The field value, trimmed.</param>
    /// <exception cref="UpstreamProtocolException"><see cref="UpstreamProtocolError.InvalidTransferEncoding"/>: no coding
    /// in the line, or <c>chunked</c> twice.</exception>
    public void AddTransferEncoding(ReadOnlySpan<byte> value)
    {
        var any = false;
        foreach (var range in value.Split((byte)','))
        {
            var coding = value[range].Trim(" \t"u8);
            if (coding.IsEmpty)
            {
                continue;
            }

            any = true;
            if (Ascii.EqualsIgnoreCase(coding, "chunked"u8))
            {
                if (_sawChunked)
                {
                    UpstreamProtocolException.Throw(UpstreamProtocolError.InvalidTransferEncoding);
                }

                _sawChunked = true;
                TransferCoding = TransferCoding.Chunked;
            }
            else
            {
                TransferCoding = TransferCoding.Other;
            }
        }

        if (!any)
        {
            UpstreamProtocolException.Throw(UpstreamProtocolError.InvalidTransferEncoding);
        }
    }

    /// <summary>Parses a <c>Content-Length</c> value: digits only (no sign, space, hex or list), at most <see cref="long.MaxValue"/>.</summary>
    /// <param name="value">The field value, trimmed.</param>
    /// <returns>The length in bytes.</returns>
    /// <exception cref="UpstreamProtocolException"><see cref="UpstreamProtocolError.InvalidContentLength"/>.</exception>
    public static long ParseContentLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            UpstreamProtocolException.Throw(UpstreamProtocolError.InvalidContentLength);
        }

        long length = 0;
        foreach (var b in value)
        {
            // Unsigned: a byte below '0' wraps to a large value, so one compare rejects both sides.
            var digit = (uint)(b - '0');
            if (digit > 9 || length > MaxBeforeLastDigit || (length == MaxBeforeLastDigit && digit > long.MaxValue % 10))
            {
                UpstreamProtocolException.Throw(UpstreamProtocolError.InvalidContentLength);
            }

            length = (length * 10) + digit;
        }

        return length;
    }
}
