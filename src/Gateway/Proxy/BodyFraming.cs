namespace FastGateway.Proxy;

/// <summary>How an upstream response's body is delimited (RFC 9112 section 6.3).</summary>
internal enum BodyFraming
{
    /// <summary>No body: HEAD, 1xx, 204, 304.</summary>
    None,

    /// <summary>Exactly <c>Content-Length</c> bytes (<see cref="ContentLengthBody"/>).</summary>
    ContentLength,

    /// <summary>Chunked transfer coding (<see cref="ChunkedBody"/>).</summary>
    Chunked,

    /// <summary>Until the upstream closes the connection (<see cref="UntilCloseBody"/>).</summary>
    UntilClose,
}
