using System.IO.Pipelines;

namespace FastGateway.Proxy;

/// <summary>Copies a body of exactly <c>Content-Length</c> bytes (RFC 9112 section 6.3, rule 6) from the upstream to the client.</summary>
internal static class ContentLengthBody
{
    /// <summary>Copies <paramref name="length"/> bytes, flushing as they arrive; completes synchronously (no allocation)
    /// when they were all read with the head. Bytes after them stay in <paramref name="upstream"/>.</summary>
    /// <param name="upstream">The connection's reader, at the body's first byte.</param>
    /// <param name="client">The client's response body.</param>
    /// <param name="length">Body length in bytes, 0 or more.</param>
    /// <param name="cancellationToken">Cancels reads and writes.</param>
    /// <returns>false when the client went away (its pipe completed) first.</returns>
    /// <exception cref="UpstreamProtocolException"><see cref="UpstreamProtocolError.ClosedMidBody"/>: the upstream
    /// closed the connection before <paramref name="length"/> bytes came.</exception>
    /// <exception cref="IOException">The upstream connection failed.</exception>
    public static async ValueTask<bool> CopyAsync(UpstreamReader upstream, PipeWriter client, long length, CancellationToken cancellationToken)
    {
        var remaining = length;
        while (remaining > 0)
        {
            var buffered = upstream.BufferedMemory;
            if (buffered.IsEmpty)
            {
                if (upstream.IsCompleted)
                {
                    UpstreamProtocolException.Throw(UpstreamProtocolError.ClosedMidBody);
                }

                upstream.Append(await upstream.ReadAsync(cancellationToken).ConfigureAwait(false));
                continue;
            }

            // WriteAsync, not Write and FlushAsync: Kestrel writes the response head and the first bytes of the body
            // into its pipe in one step, where GetSpan before the head leases a buffer and copies it again after.
            // The bytes stay put until the next read, which waits for this write.
            var take = (int)Math.Min(buffered.Length, remaining);
            var write = client.WriteAsync(buffered[..take], cancellationToken);
            upstream.Consume(take);
            remaining -= take;
            if ((await write.ConfigureAwait(false)).IsCompleted)
            {
                return false;
            }
        }

        return true;
    }
}
