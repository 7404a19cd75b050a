using System.IO.Pipelines;

namespace FastGateway.Proxy;

/// <summary>
/// Reads an upstream's HTTP/1.1 response (RFC 9112) from its connection into the client's <see cref="HttpResponse"/>:
/// the head through <see cref="Http1ResponseParser"/> and <see cref="HttpResponseHeadHandler"/>, then the body,
/// decoded from its framing by <see cref="ContentLengthBody"/>, <see cref="ChunkedBody"/> or
/// <see cref="UntilCloseBody"/> and streamed as it arrives.
/// </summary>
internal static class Http1Response
{
    /// <summary>Largest response head accepted (interim responses, status line and fields), in bytes; larger is a 502.</summary>
    public const int MaxHeadBytes = Http1ResponseParser.MaxHeadBytes;

    /// <summary>Field names common in responses: their strings are reused, and so are their values while they repeat on a connection.
    /// None is hop-by-hop, so a known name skips that lookup.</summary>
    public static readonly string[] KnownNames =
    [
        "Content-Type", "Date", "Server", "Cache-Control", "ETag", "Last-Modified", "Vary", "Location", "Set-Cookie",
        "Expires", "Content-Encoding", "Content-Language", "Content-Disposition", "Content-Range", "Accept-Ranges", "Age",
        "Pragma", "WWW-Authenticate", "Retry-After", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
        "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Link",
    ];

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
    /// <exception cref="UpstreamProtocolException">Malformed or oversized head (see <see cref="Http1ResponseParser"/>), or
    /// the connection closed first: <see cref="UpstreamProtocolError.ClosedBeforeResponse"/> when not a byte of a
    /// response came, <see cref="UpstreamProtocolError.ClosedMidHead"/> otherwise.</exception>
    public static bool TryReadHead(UpstreamConnection connection, HttpResponse response, bool isHead, out ResponseHead head)
    {
        var reader = connection.Reader;
        var handler = new HttpResponseHeadHandler(response, connection.RecentValues);
        if (Http1ResponseParser.TryParseHead(reader.Buffered, isHead, ref handler, out var consumed, out head))
        {
            reader.Consume(consumed);
            return true;
        }

        if (reader.IsCompleted)
        {
            UpstreamProtocolException.Throw(reader.Buffered.IsEmpty ? UpstreamProtocolError.ClosedBeforeResponse : UpstreamProtocolError.ClosedMidHead);
        }

        return false;
    }

    /// <summary>Copies the body from the upstream to the client, decoding its framing, flushing as data arrives.
    /// A small body already read with the head completes synchronously (no allocation).</summary>
    /// <param name="upstream">The connection's reader, just past the head.</param>
    /// <param name="client">The client's response body.</param>
    /// <param name="head">What <see cref="TryReadHead"/> returned.</param>
    /// <param name="cancellationToken">Cancels reads and writes.</param>
    /// <returns>false when the client went away (its pipe completed) before the body ended.</returns>
    /// <exception cref="UpstreamProtocolException">The upstream closed early or broke the chunked coding.</exception>
    /// <exception cref="IOException">The upstream connection failed.</exception>
    public static ValueTask<bool> CopyBodyAsync(UpstreamReader upstream, PipeWriter client, in ResponseHead head, CancellationToken cancellationToken) => head.Framing switch
    {
        BodyFraming.ContentLength => ContentLengthBody.CopyAsync(upstream, client, head.ContentLength, cancellationToken),
        BodyFraming.Chunked => ChunkedBody.CopyAsync(upstream, client, cancellationToken),
        BodyFraming.UntilClose => UntilCloseBody.CopyAsync(upstream, client, cancellationToken),
        _ => ValueTask.FromResult(true),
    };
}
