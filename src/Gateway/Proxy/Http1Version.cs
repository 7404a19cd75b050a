namespace FastGateway.Proxy;

/// <summary>The protocol version of an upstream's status line: the only two <see cref="Http1ResponseParser"/> accepts.</summary>
internal enum Http1Version : byte
{
    /// <summary><c>HTTP/1.0</c>: the connection is never reused after the response.</summary>
    Http10,

    /// <summary><c>HTTP/1.1</c>: persistent unless <c>Connection: close</c> (RFC 9112 section 9.3).</summary>
    Http11,
}
