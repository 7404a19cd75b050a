using System.Buffers;
using System.IO.Pipelines;

namespace FastGateway.Proxy;

/// <summary>
/// The request side of an upstream connection: a <see cref="PipeWriter"/> over one contiguous pooled buffer, flushed
/// with a single <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions)"/> did the same through a chain of segments, a
/// cancellation registration per flush and a stream flush that neither <see cref="System.Net.Sockets.NetworkStream"/>
/// nor <see cref="System.Net.Security.SslStream"/> needs (both write through); 3.5% of the gateway's user-mode cycles
/// under load (perf/RESULTS.md, 2026-11-22). A request head fits the first 4 KiB; a body is flushed per read from
/// the client, so the buffer grows at most to one such read.
/// </remarks>
internal sealed class UpstreamWriter(Stream stream) : PipeWriter
{
    private const int InitialBufferBytes = 4096;

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _buffered;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The writer was completed.</exception>
    public override void Advance(int bytes)
    {
        var buffer = _buffer ?? throw Completed();
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, buffer.Length - _buffered);
        _buffered += bytes;
    }

    /// <inheritdoc/>
    public override Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_buffered);

    /// <inheritdoc/>
    public override Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_buffered);

    /// <summary>Writes the buffered bytes to the stream.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        var buffer = _buffer ?? throw Completed();
        if (_buffered == 0)
        {
            return default;
        }

        var write = stream.WriteAsync(buffer.AsMemory(0, _buffered), cancellationToken);
        if (!write.IsCompletedSuccessfully)
        {
            return AwaitWriteAsync(write);
        }

        _buffered = 0;
        return default;
    }

    /// <summary>Not supported: the forwarder cancels a flush through its connection's cancellation token.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void CancelPendingFlush() => throw new NotSupportedException("cancel through the token passed to FlushAsync");

    /// <summary>Drops the bytes written since the last flush (a request head refused half-way): nothing of them was sent.</summary>
    public void Discard() => _buffered = 0;

    /// <summary>Returns the buffer to the pool; unflushed bytes are dropped (the connection is being closed).</summary>
    public override void Complete(Exception? exception = null)
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _buffered = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<FlushResult> AwaitWriteAsync(ValueTask write)
    {
        await write.ConfigureAwait(false);
        _buffered = 0;
        return default;
    }

    private byte[] Reserve(int sizeHint)
    {
        var buffer = _buffer ?? throw Completed();
        var needed = _buffered + Math.Max(sizeHint, 1);
        if (needed <= buffer.Length)
        {
            return buffer;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, _buffered).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return _buffer = larger;
    }

    private static InvalidOperationException Completed() => new("the upstream writer was completed");
}
