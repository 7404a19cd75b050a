using System.IO.Pipelines;

namespace FastGateway.Proxy;

/// <summary>Copies a body delimited by the upstream closing the connection (RFC 9112 section 6.3, rule 8): a
/// response with neither <c>Content-Length</c> nor chunked coding. Its connection is never reused.</summary>
internal static class UntilCloseBody
{
    /// <summary>Copies every byte until the upstream closes its side, flushing as they arrive.</summary>
    /// <param name="upstream">The connection's reader, at the body's first byte.</param>
    /// <param name="client">The client's response body.</param>
    /// <param name="cancellationToken">Cancels reads and writes.</param>
    /// <returns>false when the client went away (its pipe completed) first.</returns>
    /// <exception cref="IOException">The upstream connection failed (a reset, not a close, so the body may be cut short).</exception>
    public static async ValueTask<bool> CopyAsync(UpstreamReader upstream, PipeWriter client, CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffered = upstream.BufferedMemory;
            if (buffered.IsEmpty)
            {
                if (upstream.IsCompleted)
                {
                    return true;
                }

                upstream.Append(await upstream.ReadAsync(cancellationToken).ConfigureAwait(false));
                continue;
            }

            // As in ContentLengthBody: WriteAsync hands Kestrel the bytes in place; they stay put until the next read.
            var write = client.WriteAsync(buffered, cancellationToken);
            upstream.Consume(buffered.Length);
            if ((await write.ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }
        }
    }
}
