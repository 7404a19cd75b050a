namespace FastGateway.Proxy;

/// <summary>What a final response head said about the body and the connection, decided by
/// <see cref="Http1ResponseParser.DecideFraming"/> (RFC 9112 section 6.3).</summary>
/// <param name="Framing">How the body is delimited.</param>
/// <param name="ContentLength">The <c>Content-Length</c> to set on the client's response, in bytes, or -1 for none: the
/// body's length when <paramref name="Framing"/> is <see cref="BodyFraming.ContentLength"/>; for a HEAD request, the
/// length a GET would get; -1 for 204 (RFC 9110 section 8.6), for a <c>Transfer-Encoding</c> response, and when the
/// upstream sent none.</param>
/// <param name="KeepAlive">Whether the connection may carry another exchange after this one, once the body was read whole.</param>
internal readonly record struct ResponseHead(BodyFraming Framing, long ContentLength, bool KeepAlive);
