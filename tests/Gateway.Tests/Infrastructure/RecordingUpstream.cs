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
