using System.Net.Sockets;
using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// A raw-socket HTTP/1.1 client: sends exactly the bytes given and reads back one response at a time (interim 1xx
/// skipped; body by Content-Length, chunked, or until close), so requests Kestrel's own clients would never write can
/// be sent, and the connection kept for more (pipelining).
/// </summary>
public sealed class RawHttpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _buffer = [];
    private bool _closed;

    private RawHttpClient(Socket socket) => _socket = socket;

    /// <summary>How long <see cref="ReadResponseAsync"/> waits by default.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the server closed the connection (seen while reading).</summary>
    public bool Closed => _closed && _buffer.Count == 0;

    public static async Task<RawHttpClient> ConnectAsync(Uri address)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(address.Host, address.Port);
        return new RawHttpClient(socket);
    }

    /// <summary>Sends Latin-1 text (each char one byte) in one write.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None);
        }
        catch (SocketException)
        {
            // The server may have answered and closed already; the read tells.
        }
    }

    /// <summary>Half-closes the sending side.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Sends then reads one response.</summary>
    public async Task<RawResponse?> SendAndReadAsync(string text, bool isHead = false, TimeSpan? timeout = null)
    {
        await SendAsync(text);
        return await ReadResponseAsync(isHead, timeout);
    }

    /// <summary>Reads one final response; null when the connection closed before a whole head arrived.</summary>
    /// <exception cref="TimeoutException">No whole response within the timeout.</exception>
    public async Task<RawResponse?> ReadResponseAsync(bool isHead = false, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var headEnd = await FillUntilAsync(HeadEnd, cancel.Token);
                if (headEnd < 0)
                {
                    return null;
                }

                var head = Encoding.Latin1.GetString([.. _buffer.GetRange(0, headEnd)]);
                var lines = head.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var statusLine = lines[0];
                var parts = statusLine.Split(' ', 3);
                if (parts.Length < 2 || !int.TryParse(parts[1], out var status))
                {
                    throw new InvalidDataException($"malformed status line: {statusLine}");
                }

                var fields = lines.Skip(1).Select(line =>
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    return colon < 0 ? new KeyValuePair<string, string>(line, "") : new(line[..colon], line[(colon + 1)..].Trim());
                }).ToList();
                _buffer.RemoveRange(0, headEnd);
                if (status is >= 100 and < 200)
                {
                    continue;
                }

                var response = new RawResponse(status, statusLine, fields, [], head);
                byte[] body;
                if (isHead || status is 204 or 304)
                {
                    body = [];
                }
                else if (response.Field("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    body = await ReadChunkedAsync(cancel.Token);
                }
                else if (response.Field("Content-Length") is { } cl)
                {
                    var length = int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture);
                    if (await FillUntilAsync(b => b.Count >= length ? length : -1, cancel.Token) < 0)
                    {
                        throw new InvalidDataException($"connection closed mid-body:\n{head}");
                    }

                    body = [.. _buffer.GetRange(0, length)];
                    _buffer.RemoveRange(0, length);
                }
                else
                {
                    await FillUntilAsync(_ => -1, cancel.Token);
                    body = [.. _buffer];
                    _buffer.Clear();
                }

                return response with { Body = body };
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no whole response within {(timeout ?? DefaultTimeout).TotalSeconds} s; buffered so far: '{RecordingUpstream.Escape(Encoding.Latin1.GetString([.. _buffer]))}'");
        }
    }

    /// <summary>Waits until the server closes the connection (true) or the timeout passes (false); any bytes that come are kept.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await FillUntilAsync(_ => -1, cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int HeadEnd(List<byte> buffer)
    {
        for (var i = 0; i < buffer.Count; i++)
        {
            if (buffer[i] != '\n')
            {
                continue;
            }

            if (i + 1 < buffer.Count && buffer[i + 1] == '\n')
            {
                return i + 2;
            }

            if (i + 2 < buffer.Count && buffer[i + 1] == '\r' && buffer[i + 2] == '\n')
            {
                return i + 3;
            }
        }

        return -1;
    }

    // Reads until `done` returns >= 0 (returned) or the connection closes (-1).
    private async Task<int> FillUntilAsync(Func<List<byte>, int> done, CancellationToken cancel)
    {
        var chunk = new byte[8192];
        while (true)
        {
            var result = done(_buffer);
            if (result >= 0)
            {
                return result;
            }

            if (_closed)
            {
                return -1;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(chunk, SocketFlags.None, cancel);
            }
            catch (SocketException)
            {
                read = 0;
            }

            if (read == 0)
            {
                _closed = true;
                continue;
            }

            _buffer.AddRange(chunk.AsSpan(0, read));
        }
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancel)
    {
        var body = new List<byte>();
        while (true)
        {
            var lineEnd = await FillUntilAsync(b => b.IndexOf((byte)'\n') is var i and >= 0 ? i + 1 : -1, cancel);
            if (lineEnd < 0)
            {
                throw new InvalidDataException("connection closed mid-chunked body");
            }

            var line = Encoding.Latin1.GetString([.. _buffer.GetRange(0, lineEnd)]).Trim();
            _buffer.RemoveRange(0, lineEnd);
            var size = Convert.ToInt32(line.Split(';')[0], 16);
            if (size == 0)
            {
                // Trailers up to the empty line.
                while (true)
                {
                    var end = await FillUntilAsync(b => b.IndexOf((byte)'\n') is var i and >= 0 ? i + 1 : -1, cancel);
                    if (end < 0)
                    {
                        return [.. body];
                    }

                    var trailer = Encoding.Latin1.GetString([.. _buffer.GetRange(0, end)]).Trim();
                    _buffer.RemoveRange(0, end);
                    if (trailer.Length == 0)
                    {
                        return [.. body];
                    }
                }
            }

            if (await FillUntilAsync(b => b.Count >= size + 2 ? size + 2 : -1, cancel) < 0)
            {
                throw new InvalidDataException("connection closed mid-chunk");
            }

            body.AddRange(_buffer.GetRange(0, size));
            _buffer.RemoveRange(0, size + 2);
        }
    }
}
