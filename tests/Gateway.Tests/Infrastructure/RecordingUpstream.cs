using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// A raw-socket HTTP/1.1 upstream that records, per accepted connection, every byte it received and parses that
/// byte stream as a sequence of HTTP/1.1 requests the way a lenient origin server would (bare LF accepted as a line
/// end; body by Transfer-Encoding ending in chunked, else the first Content-Length, else none). A request smuggled
/// inside another request's body therefore shows up as an extra <see cref="RecordedRequest"/>.
/// </summary>
/// <remarks>
/// By default every request is answered <c>200</c> with a Content-Length body from <see cref="DefaultAnswerBody"/>
/// (sequence number, the request's <c>X-Test-Id</c> and its target), so a client that receives another client's
/// answer is detected. <see cref="Script"/> may return a <see cref="UpstreamReply"/> per request for misbehaving
/// upstream cases (raw bytes, a delay, later bytes, close).
/// </remarks>
public sealed class RecordingUpstream : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RecordedConnection> _connections = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<Socket> _sockets = [];
    private int _connectionCount;
    private int _sequence;
    private long _bytesReceived;
    private int _connectionsAtReset;

    public RecordingUpstream()
    {
        _listener.Start(100);
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptLoopAsync();
    }

    /// <summary>Base URL, no trailing '/'.</summary>
    public string Url { get; }

    /// <summary>
    /// Chooses the answer to a parsed request; null (or a null result) means the default 200 answer.
    /// Runs on the connection's task, so it may be stateful per test (tests of one class run one at a time).
    /// </summary>
    public Func<RecordedRequest, UpstreamReply?>? Script { get; set; }

    /// <summary>
    /// When false, default answers say <c>Connection: close</c> and end the upstream's sending side; the connection
    /// keeps being read and parsed (so bytes smuggled after the answered request are still recorded) but nothing more is
    /// answered. This keeps one case's leftovers out of the next case's exchanges. Default true (keep-alive).
    /// Not touched by <see cref="Reset"/>.
    /// </summary>
    public bool KeepAlive { get; set; } = true;

    /// <summary>Every request parsed so far, across connections, in the order they were parsed.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Connections that received bytes since the last <see cref="Reset"/> (pooled ones included), in accept order.</summary>
    public IReadOnlyList<RecordedConnection> Connections
    {
        get
        {
            lock (_requests)
            {
                return [.. _connections.Where(c => c.ReceivedSinceReset.Length > 0 || c.Number > _connectionsAtReset)];
            }
        }
    }

    /// <summary>Bytes received since the last <see cref="Reset"/>, all connections together.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Connections accepted since the last <see cref="Reset"/>.</summary>
    public int NewConnections => Volatile.Read(ref _connectionCount) - _connectionsAtReset;

    /// <summary>Every byte received since the last <see cref="Reset"/>, all connections, as Latin-1 text (for failure messages).</summary>
    public string Transcript
    {
        get
        {
            var text = new StringBuilder();
            foreach (var connection in Connections)
            {
                text.Append("--- connection ").Append(connection.Number).Append(connection.ParseError is { } error ? $" (parse error: {error})" : "").Append(" ---\n");
                text.Append(Escape(Encoding.Latin1.GetString(connection.ReceivedSinceReset))).Append('\n');
            }

            return text.ToString();
        }
    }

    /// <summary>The default answer body for a request: identifies it (sequence, X-Test-Id, target).</summary>
    public static string DefaultAnswerBody(RecordedRequest request) =>
        $"seq={request.Sequence};id={request.Field("X-Test-Id") ?? "-"};target={request.Target}";

    /// <summary>Forgets the records (not the open connections: the gateway's pool keeps them) and clears <see cref="Script"/>.</summary>
    public void Reset()
    {
        lock (_requests)
        {
            _requests.Clear();
            foreach (var connection in _connections)
            {
                connection.MarkReset();
            }

            _connectionsAtReset = Volatile.Read(ref _connectionCount);
            Interlocked.Exchange(ref _bytesReceived, 0);
        }

        Script = null;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests were parsed, or the timeout passes; returns whether they were.</summary>
    public async Task<bool> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Closes every connection the gateway opened (so the next request needs a fresh one).</summary>
    public void CloseAllConnections()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }

                socket.Dispose();
            }

            _sockets.Clear();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        CloseAllConnections();
        _stop.Dispose();
    }

    /// <summary>Control bytes made visible for messages.</summary>
    public static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n\n", StringComparison.Ordinal)
        .Replace("\0", "\\0", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                var connection = new RecordedConnection(Interlocked.Increment(ref _connectionCount));
                lock (_requests)
                {
                    _connections.Add(connection);
                }

                _ = ServeAsync(socket, connection);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(Socket socket, RecordedConnection connection)
    {
        var buffer = new byte[16 * 1024];
        var pending = new List<byte>();
        var answering = true;
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    connection.ClosedByPeer = true;
                    return;
                }

                connection.Append(buffer.AsSpan(0, read));
                Interlocked.Add(ref _bytesReceived, read);
                pending.AddRange(buffer.AsSpan(0, read));
                while (connection.ParseError is null)
                {
                    var parsed = RequestParser.TryParse(pending, out var consumed, out var error);
                    if (error is not null)
                    {
                        // What a strict origin does: 400 and close, so the gateway's pool does not keep a broken connection.
                        connection.ParseError = error;
                        await socket.SendAsync(UpstreamReply.Text("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad request"), SocketFlags.None, _stop.Token);
                        await CloseAsync(socket);
                        return;
                    }

                    if (parsed is null)
                    {
                        break;
                    }

                    pending.RemoveRange(0, consumed);
                    var request = parsed with { Connection = connection.Number, Sequence = Interlocked.Increment(ref _sequence), IndexOnConnection = connection.Requests.Count };
                    connection.Add(request);
                    lock (_requests)
                    {
                        _requests.Add(request);
                    }

                    if (!answering)
                    {
                        continue;
                    }

                    var reply = Script?.Invoke(request);
                    if (reply is null && !KeepAlive)
                    {
                        await socket.SendAsync(UpstreamReply.Ok(DefaultAnswerBody(request), close: true), SocketFlags.None, _stop.Token);
                        socket.Shutdown(SocketShutdown.Send);
                        answering = false;
                        continue;
                    }

                    if (!await AnswerAsync(socket, reply ?? UpstreamReply.Default(request)))
                    {
                        await CloseAsync(socket);
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    // Writes the reply; returns whether the connection stays open.
    private async Task<bool> AnswerAsync(Socket socket, UpstreamReply reply)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, _stop.Token);
        }

        if (reply.Bytes.Length > 0)
        {
            await socket.SendAsync(reply.Bytes, SocketFlags.None, _stop.Token);
        }

        if (reply.Later is { } later)
        {
            // Written in the background so the connection keeps reading (and recording) meanwhile.
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(reply.LaterDelay, _stop.Token);
                    await socket.SendAsync(later, SocketFlags.None, _stop.Token);
                    if (reply.CloseAfterLater)
                    {
                        await CloseAsync(socket);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                }
            });
        }

        return !reply.Close;
    }

    private static async Task CloseAsync(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            await Task.Delay(50);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}

/// <summary>What the <see cref="RecordingUpstream"/> writes for one request.</summary>
/// <param name="Bytes">Written at once (after <paramref name="Delay"/>); may be empty.</param>
/// <param name="Delay">Wait before writing <paramref name="Bytes"/>.</param>
/// <param name="Close">Close the connection after <paramref name="Bytes"/> (without reading further requests).</param>
/// <param name="Later">Written <paramref name="LaterDelay"/> after <paramref name="Bytes"/>, while the connection keeps reading.</param>
/// <param name="LaterDelay">Wait before <paramref name="Later"/>.</param>
/// <param name="CloseAfterLater">Close the connection once <paramref name="Later"/> is written.</param>
public sealed record UpstreamReply(byte[] Bytes, TimeSpan Delay = default, bool Close = false, byte[]? Later = null, TimeSpan LaterDelay = default, bool CloseAfterLater = false)
{
    /// <summary>200 with Content-Length and <see cref="RecordingUpstream.DefaultAnswerBody"/>.</summary>
    public static UpstreamReply Default(RecordedRequest request) => new(Ok(RecordingUpstream.DefaultAnswerBody(request)));

    /// <summary>Raw Latin-1 text as bytes.</summary>
    public static byte[] Text(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>A well-formed 200 response with Content-Length.</summary>
    public static byte[] Ok(string body, bool close = false) =>
        Text($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.Latin1.GetByteCount(body)}\r\n{(close ? "Connection: close\r\n" : "")}\r\n{body}");

    /// <summary>Close the connection without answering.</summary>
    public static UpstreamReply CloseWithoutAnswer { get; } = new([], Close: true);
}

/// <summary>One connection the gateway opened to the <see cref="RecordingUpstream"/>.</summary>
public sealed class RecordedConnection(int number)
{
    private readonly List<byte> _received = [];
    private readonly List<RecordedRequest> _requests = [];
    private int _mark;

    /// <summary>1, 2, ... in accept order.</summary>
    public int Number { get; } = number;

    /// <summary>Every byte received on it.</summary>
    public byte[] Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The bytes received since the upstream's last Reset.</summary>
    public byte[] ReceivedSinceReset
    {
        get
        {
            lock (_received)
            {
                return [.. _received.Skip(_mark)];
            }
        }
    }

    /// <summary>The requests parsed from it, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_received)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Why the byte stream stopped parsing as HTTP/1.1 requests, if it did.</summary>
    public string? ParseError { get; internal set; }

    /// <summary>Whether the gateway closed it.</summary>
    public bool ClosedByPeer { get; internal set; }

    internal void MarkReset()
    {
        lock (_received)
        {
            _mark = _received.Count;
        }
    }

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_received)
        {
            _received.AddRange(bytes);
        }
    }

    internal void Add(RecordedRequest request)
    {
        lock (_received)
        {
            _requests.Add(request);
        }
    }
}

/// <summary>One HTTP/1.1 request as the upstream parsed it; strings are the raw bytes read as Latin-1.</summary>
public sealed record RecordedRequest
{
    public int Connection { get; init; }

    /// <summary>1, 2, ... across all connections.</summary>
    public int Sequence { get; init; }

    public int IndexOnConnection { get; init; }

    public required string Method { get; init; }

    /// <summary>The request-target exactly as received (Latin-1).</summary>
    public required string Target { get; init; }

    public required string Version { get; init; }

    /// <summary>Field lines in order, name and value as received (value without leading/trailing SP/HTAB).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; }

    /// <summary>The head lines exactly as received (request line first), without line ends.</summary>
    public required IReadOnlyList<string> RawLines { get; init; }

    /// <summary>The head exactly as received, through the empty line.</summary>
    public required byte[] RawHead { get; init; }

    /// <summary>The decoded body.</summary>
    public required byte[] Body { get; init; }

    public string BodyText => Encoding.Latin1.GetString(Body);

    /// <summary>The first value of a field (name compared ignoring ASCII case), or null.</summary>
    public string? Field(string name) => Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every value of a field (name compared ignoring ASCII case).</summary>
    public IReadOnlyList<string> Values(string name) => [.. Fields.Where(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value)];

    /// <summary>How many field lines have this name once lowercased and with '_' read as '-' (what a CGI/WSGI-style upstream merges).</summary>
    public int CountNormalized(string name) => Fields.Count(f => Normalize(f.Key) == Normalize(name));

    public override string ToString() => RecordingUpstream.Escape(Encoding.Latin1.GetString(RawHead)) + (Body.Length > 0 ? "[body] " + RecordingUpstream.Escape(BodyText) : "");

    internal static string Normalize(string name) => name.Trim().Replace('_', '-').ToUpperInvariant();
}

/// <summary>Lenient HTTP/1.1 request parsing for <see cref="RecordingUpstream"/>.</summary>
internal static class RequestParser
{
    private const int MaxHead = 256 * 1024;

    // A whole request from the start of `data`, or null when more bytes are needed; error when it cannot be parsed.
    public static RecordedRequest? TryParse(List<byte> data, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        var bytes = data.ToArray();
        // Leading empty lines are skipped (RFC 9112 section 2.2).
        var start = 0;
        while (start < bytes.Length && (bytes[start] == '\r' || bytes[start] == '\n'))
        {
            start++;
        }

        var lines = new List<string>();
        var offset = start;
        var headEnd = -1;
        while (true)
        {
            var lf = Array.IndexOf(bytes, (byte)'\n', offset);
            if (lf < 0)
            {
                if (bytes.Length - start > MaxHead)
                {
                    error = "head too long";
                }

                return null;
            }

            var line = Encoding.Latin1.GetString(bytes, offset, lf - offset);
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            offset = lf + 1;
            if (line.Length == 0)
            {
                headEnd = offset;
                break;
            }

            lines.Add(line);
        }

        if (lines.Count == 0)
        {
            consumed = headEnd;
            error = "empty head";
            return null;
        }

        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            error = $"malformed request line '{RecordingUpstream.Escape(lines[0])}'";
            return null;
        }

        var fields = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line[0] is ' ' or '\t' && fields.Count > 0)
            {
                // obs-fold: folded into the previous value, as lenient servers do.
                var last = fields[^1];
                fields[^1] = new(last.Key, last.Value + " " + line.Trim(' ', '\t'));
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"malformed field line '{RecordingUpstream.Escape(line)}'";
                return null;
            }

            fields.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        var transferEncoding = string.Join(",", fields.Where(f => f.Key.Trim().Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value));
        var contentLength = fields.FirstOrDefault(f => f.Key.Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        byte[] body;
        int end;
        if (transferEncoding.Length > 0 && transferEncoding.Split(',').Last().Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new List<byte>();
            var position = headEnd;
            while (true)
            {
                var lf = Array.IndexOf(bytes, (byte)'\n', position);
                if (lf < 0)
                {
                    return null;
                }

                var sizeLine = Encoding.Latin1.GetString(bytes, position, lf - position).TrimEnd('\r');
                var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                var sizeText = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim(' ', '\t');
                if (!long.TryParse(sizeText, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0 || size > int.MaxValue)
                {
                    error = $"malformed chunk size '{RecordingUpstream.Escape(sizeLine)}'";
                    return null;
                }

                position = lf + 1;
                if (size == 0)
                {
                    // Trailer section up to an empty line.
                    while (true)
                    {
                        var trailerEnd = Array.IndexOf(bytes, (byte)'\n', position);
                        if (trailerEnd < 0)
                        {
                            return null;
                        }

                        var trailer = Encoding.Latin1.GetString(bytes, position, trailerEnd - position).TrimEnd('\r');
                        position = trailerEnd + 1;
                        if (trailer.Length == 0)
                        {
                            break;
                        }
                    }

                    break;
                }

                if (bytes.Length < position + size)
                {
                    return null;
                }

                decoded.AddRange(bytes.AsSpan(position, (int)size));
                position += (int)size;
                var crlfEnd = Array.IndexOf(bytes, (byte)'\n', position);
                if (crlfEnd < 0)
                {
                    return null;
                }

                if (crlfEnd - position > 1 || (crlfEnd - position == 1 && bytes[position] != '\r'))
                {
                    error = "chunk data not followed by CRLF";
                    return null;
                }

                position = crlfEnd + 1;
            }

            body = [.. decoded];
            end = position;
        }
        else if (contentLength is not null)
        {
            if (!long.TryParse(contentLength.Split(',')[0].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) || length > int.MaxValue)
            {
                error = $"malformed Content-Length '{contentLength}'";
                return null;
            }

            if (bytes.Length < headEnd + length)
            {
                return null;
            }

            body = bytes.AsSpan(headEnd, (int)length).ToArray();
            end = headEnd + (int)length;
        }
        else
        {
            body = [];
            end = headEnd;
        }

        consumed = end;
        return new RecordedRequest
        {
            Method = requestLine[0],
            Target = requestLine[1],
            Version = requestLine[2],
            Fields = fields,
            RawLines = lines,
            RawHead = bytes.AsSpan(start, headEnd - start).ToArray(),
            Body = body,
        };
    }
}
