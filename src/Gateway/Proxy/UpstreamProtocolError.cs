namespace FastGateway.Proxy;

/// <summary>
/// Why an upstream's response was refused (RFC 9112): carried by <see cref="UpstreamProtocolException"/>, so callers
/// test a reason instead of a message or a shared instance. Each one means the response is not forwarded (502) or,
/// once its status is out, the client connection is aborted; the upstream connection is never reused after any.
/// </summary>
internal enum UpstreamProtocolError
{
    /// <summary>The upstream closed the connection before sending a byte of a response. On a reused connection this is
    /// the stale keep-alive race (RFC 9112 section 9.3.1): nothing was processed, so the request may be retried.</summary>
    ClosedBeforeResponse,

    /// <summary>The upstream closed the connection in the middle of a response head.</summary>
    ClosedMidHead,

    /// <summary>The response head (interim responses included) is over <see cref="Http1ResponseParser.MaxHeadBytes"/>.</summary>
    HeadTooLarge,

    /// <summary>The status line is not <c>HTTP/1.1</c> or <c>HTTP/1.0</c>, SP, 3 digits (100 or more), then end of line
    /// or SP and a reason phrase free of control bytes other than HTAB (RFC 9112 section 4).</summary>
    MalformedStatusLine,

    /// <summary><c>101 Switching Protocols</c> answered a request that asked for no upgrade (RFC 9110 section 15.2.2).</summary>
    UnexpectedSwitchingProtocols,

    /// <summary>More than <see cref="Http1ResponseParser.MaxInterimResponses"/> interim (1xx) responses before the final one.</summary>
    TooManyInterimResponses,

    /// <summary>A field line starts with whitespace: obsolete line folding (RFC 9112 section 5.2), refused.</summary>
    ObsoleteLineFolding,

    /// <summary>A field line without a colon, with an empty name, a name that is not a token (RFC 9110 section 5.1), or
    /// whitespace between the name and the colon (RFC 9112 section 5.1).</summary>
    MalformedField,

    /// <summary>A field value holds a control byte other than HTAB: NUL, DEL, LF... (RFC 9110 section 5.5).</summary>
    InvalidFieldValue,

    /// <summary>A CR not followed by LF in the head, a chunk line or the trailer section (RFC 9112 section 2.2).</summary>
    BareCarriageReturn,

    /// <summary><c>Content-Length</c> is not one non-negative decimal number that fits a <see cref="long"/>: a sign,
    /// hex, a list (<c>5, 5</c>), junk around the digits, or empty (RFC 9110 section 8.6).</summary>
    InvalidContentLength,

    /// <summary><c>Content-Length</c> came in more than one field line, whether the values differ or not.</summary>
    MultipleContentLength,

    /// <summary><c>Transfer-Encoding</c> holds an empty coding or applies <c>chunked</c> more than once (RFC 9112 section 6.1).</summary>
    InvalidTransferEncoding,

    /// <summary>The upstream closed the connection before the body's framing said it ended.</summary>
    ClosedMidBody,

    /// <summary>A chunk size is not one or more hex digits (RFC 9112 section 7.1).</summary>
    MalformedChunkSize,

    /// <summary>A chunk size is over <see cref="long.MaxValue"/> bytes.</summary>
    ChunkSizeOverflow,

    /// <summary>A chunk line is over <see cref="ChunkedBody.MaxChunkLineBytes"/>, ends in a bare LF, or its extension
    /// holds a control byte other than HTAB (RFC 9112 section 7.1.1).</summary>
    MalformedChunkLine,

    /// <summary>A chunk's data is not followed by CRLF (RFC 9112 section 7.1).</summary>
    MissingChunkDataTerminator,

    /// <summary>The chunked trailer section is over <see cref="Http1ResponseParser.MaxHeadBytes"/> (RFC 9112 section 7.1.2).</summary>
    TrailerTooLarge,
}
