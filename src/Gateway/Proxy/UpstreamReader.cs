using System.Buffers;
using System.Runtime.CompilerServices;

namespace FastGateway.Proxy;

/// <summary>
/// The response side of an upstream connection: one contiguous pooled buffer, filled by
/// <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> and parsed in place as a span.
/// </summary>
/// <remarks>
/// <see cref="System.IO.Pipelines.PipeReader.Create(Stream, System.IO.Pipelines.StreamPipeReaderOptions)"/> did the
/// same through a chain of segments, a cancellation registration per read and a lock per read, advance and
/// <c>TryRead</c>, and handed the parser a <see cref="ReadOnlySequence{T}"/>; 4 to 5% of the gateway's user-mode
/// cycles under load (perf/RESULTS.md, 2026-11-22). The buffer lives as long as the connection; it grows only while
/// a response head, chunk line or trailer section does not fit, each bounded by the parser
/// (<see cref="Http1Response.MaxHeadBytes"/>).
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

    /// <summary>Bytes read and not yet consumed. Valid until the next <see cref="Consume"/> or <see cref="ReadAsync"/>.</summary>
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

    /// <summary>Reads once from the stream, appending to <see cref="Buffered"/>; sets <see cref="IsCompleted"/>
    /// when the upstream closed its side instead.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="InvalidOperationException">The reader was completed, or the upstream already closed its side.</exception>
    public ValueTask ReadAsync(CancellationToken cancellationToken)
    {
        if (IsCompleted)
        {
            throw new InvalidOperationException("the upstream already closed its side");
        }

        var buffer = MakeRoom();
        var read = stream.ReadAsync(buffer.AsMemory(_end), cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return AwaitReadAsync(read);
        }

        Append(read.Result);
        return default;
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitReadAsync(ValueTask<int> read) => Append(await read.ConfigureAwait(false));

    private void Append(int bytes)
    {
        _end += bytes;
        IsCompleted = bytes == 0;
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
