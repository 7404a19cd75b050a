namespace FastGateway.Proxy;

/// <summary>
/// Receives a final response head from <see cref="Http1ResponseParser.TryParseHead"/>, in order: one
/// <see cref="OnStatusLine"/>, the fields (<see cref="OnField"/>, <see cref="OnConnectionOption"/>) in the upstream's
/// order, then one <see cref="OnHeadComplete"/>. Nothing is reported before the whole head has arrived, and nothing
/// of interim (1xx) responses. Implemented by structs, so the parser's calls are devirtualized (as Kestrel's
/// <c>HttpParser&lt;TRequestHandler&gt;</c> does).
/// </summary>
/// <remarks>Lines are checked as they are reported, in one pass: when the parser throws, the status and some fields
/// may have been reported but <see cref="OnHeadComplete"/> was not called, and what the handler wrote is to be
/// dropped (<see cref="HttpForwarder"/> clears the client's response before its 502). The spans point into the
/// upstream reader's buffer: valid only during the call.</remarks>
internal interface IResponseHeadHandler
{
    /// <summary>The final response's status line (RFC 9112 section 4).</summary>
    /// <param name="version">HTTP/1.0 or HTTP/1.1.</param>
    /// <param name="statusCode">200 to 999.</param>
    /// <param name="reasonPhrase">The reason phrase, possibly empty; no control bytes but HTAB.</param>
    void OnStatusLine(Http1Version version, int statusCode, ReadOnlySpan<byte> reasonPhrase);

    /// <summary>A field line, except <c>Content-Length</c>, <c>Transfer-Encoding</c> and <c>Connection</c>, which the parser
    /// reads itself (see <see cref="OnHeadComplete"/> and <see cref="OnConnectionOption"/>). Other hop-by-hop fields
    /// are reported: dropping them is the handler's call.</summary>
    /// <param name="name">A token (RFC 9110 section 5.1), as sent (any case).</param>
    /// <param name="value">Without surrounding SP/HTAB; no control bytes but HTAB; may hold obs-text (Latin-1).</param>
    void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>A field name listed by the <c>Connection</c> field, other than <c>close</c> and <c>keep-alive</c>: a
    /// hop-by-hop field not to be forwarded (RFC 9110 section 7.6.1). It may name a field reported before or after.</summary>
    /// <param name="option">A token.</param>
    void OnConnectionOption(ReadOnlySpan<byte> option);

    /// <summary>The head is complete; <paramref name="head"/> is what the parser returns.</summary>
    /// <param name="head">Body framing, the <c>Content-Length</c> to forward, and whether the connection may be reused.</param>
    void OnHeadComplete(in ResponseHead head);
}
