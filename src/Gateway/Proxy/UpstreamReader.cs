using System.Buffers;

namespace FastGateway.Proxy;

/// <summary>
/// The response side of an upstream connection: one contiguous pooled buffer, filled by
/// <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> and parsed in place as a span.
/// </summary>
/// <remarks>
/// <see cref="System.IO.Pipelines.PipeReader.Create(Stream, System.IO.Pipelines.StreamPipeReaderOptions)"/> did the
/// same through a chain of segments, a cancellation registration per read and a lock per read, advance and
/// <c>TryRead</c>, and handed the parser a <see cref="ReadOnlySequence{T}"/>: this reader took 6% off the gateway's
/// user-mode instructions per proxied request (perf/RESULTS.md, 2026-11-22). The buffer lives as long as the
/// connection; it doubles only while a response head, chunk line or trailer section does not fit, each bounded by
/// the parser (<see cref="Http1Response.MaxHeadBytes"/>), so it stays at most 128 KiB, and it does not shrink.
/// </remarks>
internal sealed class UpstreamReader(Stream stream)
{
    /// <summary>Size of the buffer a connection starts with, in bytes: one read's worth of body.</summary>
    public const int InitialBufferBytes = 16 * 1024;

    // Free space a read asks for at least, in bytes, so a nearly full buffer does not read a few bytes at a time.
    private const int MinimumReadBytes = 2048;

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _start;
    private int _end;
    private bool _reading;

    /// <summary>Bytes read and not yet consumed. Valid until the next <see cref="Consume"/> or <see cref="Append"/>.</summary>
    /// <exception cref="InvalidOperationException">The reader was completed.</exception>
    public ReadOnlySpan<byte> Buffered => (_buffer ?? throw Completed()).AsSpan(_start, _end - _start);

    /// <summary><see cref="Buffered"/> as memory, for writes that take it (same lifetime).</summary>
    /// <exception cref="InvalidOperationException">The reader was completed.</exception>
    public ReadOnlyMemory<byte> BufferedMemory => (_buffer ?? throw Completed()).AsMemory(_start, _end - _start);

    /// <summary>Whether the upstream closed its side: a read returned no bytes, so nothing follows <see cref="Buffered"/>.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Marks the first <paramref name="bytes"/> of <see cref="Buffered"/> as used.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than is buffered.</exception>
    public void Consume(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, _end - _start);
        _start += bytes;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>
    /// Reads once from the stream into the free space after <see cref="Buffered"/>. Pass what it returns to
    /// <see cref="Append"/> before anything else touches the reader.
    /// </summary>
    /// <remarks>The caller awaits the stream's own <see cref="ValueTask{TResult}"/> instead of a wrapper that appends
    /// for it: a wrapper's state machine, pending for most of each exchange, was one more box per request (pooled
    /// builders keep a box per core, not per pending read) and 2.5% more user-mode instructions.</remarks>
    /// <returns>Bytes read; 0 when the upstream closed its side.</returns>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="InvalidOperationException">The reader was completed, the upstream already closed its side, or
    /// the last read was not appended.</exception>
    public ValueTask<int> ReadAsync(CancellationToken cancellationToken)
    {
        if (IsCompleted || _reading)
        {
            throw new InvalidOperationException(IsCompleted ? "the upstream already closed its side" : "the last read was not appended");
        }

        var buffer = MakeRoom();
        _reading = true;
        return stream.ReadAsync(buffer.AsMemory(_end), cancellationToken);
    }

    /// <summary>Appends the bytes the last <see cref="ReadAsync"/> returned to <see cref="Buffered"/>; 0 sets
    /// <see cref="IsCompleted"/>.</summary>
    /// <exception cref="InvalidOperationException">No read is waiting to be appended.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More bytes than the read had room for.</exception>
    public void Append(int bytes)
    {
        if (!_reading)
        {
            throw new InvalidOperationException("no read to append");
        }

        var buffer = _buffer ?? throw Completed();
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, buffer.Length - _end);
        _reading = false;
        _end += bytes;
        IsCompleted = bytes == 0;
    }

    /// <summary>Returns the buffer to the pool; unread bytes are dropped (the connection is being closed).</summary>
    public void Complete()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _start = _end = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] MakeRoom()
    {
        var buffer = _buffer ?? throw Completed();
        if (buffer.Length - _end >= MinimumReadBytes)
        {
            return buffer;
        }

        var unread = _end - _start;
        if (buffer.Length - unread >= MinimumReadBytes)
        {
            buffer.AsSpan(_start, unread).CopyTo(buffer);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(_start, unread).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = buffer = larger;
        }

        _start = 0;
        _end = unread;
        return buffer;
    }

    private static InvalidOperationException Completed() => new("the upstream reader was completed");
}
