using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using FastGateway.Hosting;
using Microsoft.Extensions.Options;

namespace FastGateway.Observability;

/// <summary>
/// The access log: one JSON line per protected-API request (format in docs/observability-proxy.md), written off the
/// request thread. A request only copies an <see cref="AccessLogEntry"/> into a bounded queue; one writer task formats
/// the lines with a reused <see cref="Utf8JsonWriter"/> into one reused buffer and writes them in batches to standard
/// output or <see cref="AccessLogOptions.Path"/>.
/// </summary>
/// <remarks>
/// <code>
/// request ──► Sample() ──► Write(entry) ──► bounded channel (full: drop + count, never wait) ──► writer task
///            ──► Utf8JsonWriter ──► batch buffer ──► stdout (under Console.Out's lock) or the file, flushed per batch
/// </code>
/// A request never waits for the output, as nginx's buffered <c>access_log</c> and Envoy's access-log flush thread do
/// not: when the output is slower than the traffic, lines are dropped and counted (<c>fastgateway.access_log.dropped</c>).
/// The writer wakes at most every 20 ms while lines keep coming, so a line reaches the output within about 20 ms.
/// On standard output, each batch is written holding <see cref="Console.Out"/>'s lock, which the console logger takes
/// per entry, so a log entry and an access line never interleave mid-line. Stopping the host drains the queue.
/// </remarks>
internal sealed partial class AccessLog : IHostedService, IDisposable
{
    // A batch is written once it passes this, or when the queue is empty.
    private const int BatchBytes = 32 * 1024;

    // After a batch that emptied the queue, the writer lets lines gather this long before it waits again: at most 50
    // wake-ups and writes a second however light the traffic, instead of one per request (Envoy flushes its access
    // logs on an interval too). A queue of QueueLength lines covers this long at QueueLength / 0.02 requests a second.
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(20);

    private static readonly Counter<long> Dropped = GatewayTelemetry.Meter.CreateCounter<long>(
        "fastgateway.access_log.dropped", "{line}", "Access-log lines dropped because the writer could not keep up.");

    private readonly Channel<AccessLogEntry>? _queue;
    private readonly double _sampleRatio;
    private readonly string? _path;
    private readonly ILogger<AccessLog> _logger;
    private Task? _writer;
    private Stream? _output;

    /// <summary>Creates the log from <c>AccessLog</c>'s options; the writer starts with the host.</summary>
    public AccessLog(IOptions<AccessLogOptions> options, ILogger<AccessLog> logger)
    {
        var value = options.Value;
        _logger = logger;
        _sampleRatio = value.SampleRatio;
        _path = value.Path;
        Enabled = value.Enabled && value.SampleRatio > 0;
        if (Enabled)
        {
            _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(value.QueueLength)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait, // with TryWrite, "full" returns false: the line is dropped, nothing waits
                AllowSynchronousContinuations = false,
            });
        }
    }

    /// <summary>Whether lines are written at all (<c>AccessLog:Enabled</c> and a sample ratio above 0).</summary>
    public bool Enabled { get; }

    /// <summary>Whether this request is to be logged: always at ratio 1, else drawn at random.</summary>
    public bool Sample() => Enabled && (_sampleRatio >= 1 || Random.Shared.NextDouble() < _sampleRatio);

    /// <summary>Queues a line; drops and counts it when the queue is full. Never blocks.</summary>
    public void Write(in AccessLogEntry entry)
    {
        if (_queue is not null && !_queue.Writer.TryWrite(entry))
        {
            Dropped.Add(1);
        }
    }

    /// <summary>Opens the output and starts the writer.</summary>
    /// <exception cref="IOException">The file in <c>AccessLog:Path</c> cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file in <c>AccessLog:Path</c> cannot be written.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return Task.CompletedTask;
        }

        _output = string.IsNullOrEmpty(_path)
            ? Console.OpenStandardOutput()
            : new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _writer = Task.Run(WriteLinesAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Writes what is queued, then stops the writer.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is null || _writer is null)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the output file.</summary>
    public void Dispose()
    {
        if (!string.IsNullOrEmpty(_path))
        {
            _output?.Dispose();
        }
    }

    private async Task WriteLinesAsync()
    {
        var reader = _queue!.Reader;
        var buffer = new ArrayBufferWriter<byte>(BatchBytes * 2);
        using var json = new Utf8JsonWriter(buffer);
        var failed = false;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var drained = true;
            while (reader.TryRead(out var entry))
            {
                Format(json, entry);
                json.Flush();
                buffer.Write("\n"u8);
                json.Reset(buffer);
                if (buffer.WrittenCount >= BatchBytes)
                {
                    drained = false;
                    break;
                }
            }

            try
            {
                WriteBatch(buffer.WrittenSpan);
            }
            catch (IOException e) when (!failed)
            {
                // Reported once: a closed stdout or a full disk would otherwise log a failure per batch.
                failed = true;
                Log.WriteFailed(_logger, e);
            }
            catch (IOException)
            {
                // Already reported: the batch is lost, the writer goes on (the output may come back, e.g. a full disk).
            }

            buffer.ResetWrittenCount();
            if (drained && !reader.Completion.IsCompleted)
            {
                await Task.Delay(GatherTime).ConfigureAwait(false);
            }
        }
    }

    private void WriteBatch(ReadOnlySpan<byte> lines)
    {
        if (string.IsNullOrEmpty(_path))
        {
            // The console logger writes each entry holding Console.Out's lock (a synchronized TextWriter): so does this.
            lock (Console.Out)
            {
                _output!.Write(lines);
                _output.Flush();
            }
        }
        else
        {
            _output!.Write(lines);
            _output.Flush();
        }
    }

    /// <summary>Writes one line's JSON object (no newline).</summary>
    internal static void Format(Utf8JsonWriter json, in AccessLogEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("log"u8, "access"u8);
        json.WriteString("time"u8, entry.Time);
        WriteNullable(json, "request_id"u8, entry.RequestId);
        WriteNullable(json, "client_id"u8, entry.ClientId);
        WriteNullable(json, "owner"u8, entry.Owner);
        json.WriteString("api"u8, entry.Api);
        WriteNullable(json, "route"u8, entry.Route);
        json.WriteString("method"u8, entry.Method);
        json.WriteString("path"u8, entry.RawTarget.AsSpan(0, entry.PathEnd));
        json.WriteNumber("status"u8, entry.Status);
        json.WriteNumber("duration"u8, Math.Round(entry.Duration, 6));
        if (entry.UpstreamDuration >= 0)
        {
            json.WriteNumber("upstream_duration"u8, Math.Round(entry.UpstreamDuration, 6));
        }
        else
        {
            json.WriteNull("upstream_duration"u8);
        }

        WriteLength(json, "bytes_in"u8, entry.BytesIn);
        WriteLength(json, "bytes_out"u8, entry.BytesOut);
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteLength(Utf8JsonWriter json, ReadOnlySpan<byte> name, long value)
    {
        if (value >= 0)
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AccessLogWriteFailed, Level = LogLevel.Error, Message = "Writing the access log failed; later lines may be lost")]
        public static partial void WriteFailed(ILogger logger, Exception exception);
    }
}
