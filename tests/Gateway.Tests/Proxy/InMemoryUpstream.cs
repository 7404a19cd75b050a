using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>An <see cref="UpstreamReader"/> over bytes in memory, handing out at most a few bytes per read, and a
/// client pipe to copy a body into: the body readers without a socket.</summary>
internal static class InMemoryUpstream
{
    /// <summary>A reader over <paramref name="text"/> (Latin-1), <paramref name="bytesPerRead"/> bytes per read at most.</summary>
    public static UpstreamReader Reader(string text, int bytesPerRead = int.MaxValue) =>
        new(new TrickleStream(Encoding.Latin1.GetBytes(text), bytesPerRead));

    /// <summary>Runs a body copy into a pipe; returns its result and what the client received.</summary>
    public static async Task<(bool Completed, string Body)> CopyAsync(Func<PipeWriter, ValueTask<bool>> copy)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        bool completed;
        try
        {
            completed = await copy(pipe.Writer);
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
        }

        var read = await pipe.Reader.ReadAtLeastAsync(int.MaxValue / 2);
        var body = Encoding.Latin1.GetString(read.Buffer.ToArray());
        pipe.Reader.AdvanceTo(read.Buffer.End);
        await pipe.Reader.CompleteAsync();
        return (completed, body);
    }

    /// <summary>What is left buffered in the reader, as text.</summary>
    public static string Rest(UpstreamReader reader) => Encoding.Latin1.GetString(reader.Buffered);

    private sealed class TrickleStream(byte[] bytes, int bytesPerRead) : MemoryStream(bytes, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, bytesPerRead)], cancellationToken);
    }
}
