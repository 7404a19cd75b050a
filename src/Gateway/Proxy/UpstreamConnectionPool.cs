using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Numerics;

namespace FastGateway.Proxy;

/// <summary>
/// One HTTP/1.1 connection to an upstream: a socket (TLS when the upstream is https) read and written through
/// one buffer each way, and the per-connection state the forwarder reuses across exchanges.
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;

    private UpstreamConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        Reader = new UpstreamReader(stream);
        Writer = new UpstreamWriter(stream);
    }

    /// <summary>Reads the upstream's responses.</summary>
    public UpstreamReader Reader { get; }

    /// <summary>Writes requests to the upstream.</summary>
    public UpstreamWriter Writer { get; }

    /// <summary>Cancels this connection's pending reads and writes, fired by the pool's heartbeat
    /// (<see cref="CheckDeadline"/>); a cancelled connection is never pooled.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    // Deadline of the exchange in progress (Environment.TickCount64, ms): 0 none, Fired once the heartbeat claimed it.
    private long _deadline;
    private CancellationToken _clientAborted;
    private const long Fired = -1;

    /// <summary>
    /// Arms the exchange's deadline: the pool's heartbeat cancels <see cref="Cancellation"/> once
    /// <paramref name="deadline"/> has passed or <paramref name="clientAborted"/> fired, whichever comes first.
    /// Checked once a second, as Kestrel checks its own timeouts, so a request pays no timer or registration.
    /// </summary>
    /// <param name="deadline">When to give up, in <see cref="Environment.TickCount64"/> milliseconds.</param>
    /// <param name="clientAborted">The client's request-aborted token.</param>
    public void ArmDeadline(long deadline, CancellationToken clientAborted)
    {
        _clientAborted = clientAborted;
        Volatile.Write(ref _deadline, deadline);
    }

    /// <summary>Moves the armed deadline (after the response head: to <see cref="long.MaxValue"/>, so only a client abort fires).</summary>
    /// <returns>false when the heartbeat fired first: <see cref="Cancellation"/> is (or is about to be) cancelled.</returns>
    public bool TryExtendDeadline(long deadline)
    {
        var current = Volatile.Read(ref _deadline);
        while (current != Fired)
        {
            var seen = Interlocked.CompareExchange(ref _deadline, deadline, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Disarms the deadline at the end of the exchange.</summary>
    /// <returns>false when the heartbeat fired first: <see cref="Cancellation"/> is (or is about to be) cancelled.</returns>
    public bool DisarmDeadline()
    {
        _clientAborted = default;
        return Interlocked.Exchange(ref _deadline, 0) != Fired;
    }

    /// <summary>Called by the heartbeat: cancels the exchange when its deadline passed or its client went away.</summary>
    /// <param name="now"><see cref="Environment.TickCount64"/>.</param>
    public void CheckDeadline(long now)
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline > 0 && (now >= deadline || _clientAborted.IsCancellationRequested)
            && Interlocked.CompareExchange(ref _deadline, Fired, deadline) == deadline)
        {
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed by its exchange meanwhile: nothing left to cancel.
            }
        }
    }

    /// <summary>The pool that opened this connection; it forgets the connection when it is disposed.</summary>
    internal UpstreamConnectionPool? Pool { get; set; }

    /// <summary>How many exchanges completed on this connection (0 = fresh).</summary>
    public int Exchanges { get; set; }

    /// <summary>When the connection went back to the pool (<see cref="Environment.TickCount64"/>, milliseconds).</summary>
    public long IdleSince { get; set; }

    /// <summary>The last response header values per well-known name, reused while the bytes repeat (as Kestrel does for requests).</summary>
    public string?[] RecentValues { get; } = new string?[Http1Response.KnownNames.Length];

    /// <summary>
    /// Whether an idle connection was closed by the upstream or holds unsolicited bytes: one non-blocking poll (readable
    /// means either), before every reuse.
    /// </summary>
    public bool IsStale() => _socket.Poll(0, SelectMode.SelectRead);

    /// <summary>Opens a connection to <paramref name="host"/>:<paramref name="port"/>, with TLS when <paramref name="useTls"/>.</summary>
    /// <exception cref="SocketException">The upstream refused or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed.</exception>
    public static async Task<UpstreamConnection> ConnectAsync(string host, int port, bool useTls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (useTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                }, cancellationToken).ConfigureAwait(false);
            }

            return new UpstreamConnection(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Closes the connection at once (no graceful flush: a connection is disposed only when broken or retired).</summary>
    public void Dispose()
    {
        Pool?.Forget(this);
        _socket.Dispose();
        // Both return their pooled buffers; neither touches the closed socket.
        Writer.Complete();
        Reader.Complete();
        _stream.Dispose();
        Cancellation.Dispose();
    }
}

/// <summary>
/// Idle keep-alive connections to one upstream, in lock-free queues (a lock here showed up contended in profiles
/// under load; <see cref="ConcurrentQueue{T}"/> reuses its segments, so renting and returning allocate nothing).
/// Connections idle longer than the idle timeout are closed on a timer and never handed out.
/// </summary>
/// <remarks>
/// One queue per shard, and each thread rents from and returns to its own shard first, as an nginx worker keeps its
/// own upstream connections. A connection goes back on the thread its last read completed on: with inline
/// scheduling, the socket thread its socket belongs to. A request renting on its client's socket thread then gets a
/// connection of that same thread, and runs on one thread from the client's request to the upstream's answer.
/// </remarks>
internal sealed class UpstreamConnectionPool : IDisposable
{
    // More shards than socket threads (two per core), so threads seldom share one; a power of two.
    private static readonly int ShardCount = (int)BitOperations.RoundUpToPowerOf2((uint)(4 * Environment.ProcessorCount));
    private static int s_threads;
    [ThreadStatic] private static int t_shard; // this thread's shard + 1; 0 until its first rent or return

    private readonly ConcurrentQueue<UpstreamConnection>[] _idle = CreateShards();
    // Every open connection, idle or in an exchange, for the heartbeat's deadline checks. Changed per connection
    // opened or closed, never per request.
    private readonly ConcurrentDictionary<UpstreamConnection, byte> _open = new();
    private readonly Timer _heartbeat;
    private readonly string _host;
    private readonly int _port;
    private readonly bool _useTls;
    private readonly TimeSpan _connectTimeout;
    private readonly long _idleTimeoutMs;
    private readonly Timer _pruner;
    private volatile bool _disposed;

    /// <summary>Creates an empty pool.</summary>
    /// <param name="host">DNS name or IP literal (no brackets) to connect to.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="useTls">Whether to speak TLS (an https upstream).</param>
    /// <param name="connectTimeout">Longest wait for a new connection (TCP and TLS).</param>
    /// <param name="idleTimeout">Longest time a connection may stay idle in the pool.</param>
    public UpstreamConnectionPool(string host, int port, bool useTls, TimeSpan connectTimeout, TimeSpan idleTimeout)
    {
        _host = host;
        _port = port;
        _useTls = useTls;
        _connectTimeout = connectTimeout;
        _idleTimeoutMs = (long)idleTimeout.TotalMilliseconds;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_idleTimeoutMs / 2, 1000, 30_000));
        _pruner = new Timer(static state => ((UpstreamConnectionPool)state!).Prune(), this, period, period);
        _heartbeat = new Timer(static state => ((UpstreamConnectionPool)state!).CheckDeadlines(), this, HeartbeatPeriod, HeartbeatPeriod);
    }

    /// <summary>How often exchange deadlines and client aborts are checked (Kestrel's heartbeat period).</summary>
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Takes an idle connection that has not timed out.</summary>
    /// <remarks>This thread's shard first, then the others.</remarks>
    public bool TryRent([NotNullWhen(true)] out UpstreamConnection? connection)
    {
        var now = Environment.TickCount64;
        var home = CurrentShard();
        for (var i = 0; i < _idle.Length; i++)
        {
            var idle = _idle[(home + i) & (_idle.Length - 1)];
            while (idle.TryDequeue(out connection))
            {
                if (now - connection.IdleSince < _idleTimeoutMs)
                {
                    return true;
                }

                connection.Dispose();
            }
        }

        connection = null;
        return false;
    }

    /// <summary>Opens a new connection, waiting at most the connect timeout.</summary>
    /// <exception cref="TimeoutException">No connection within the connect timeout.</exception>
    /// <exception cref="SocketException">The upstream refused or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the client went away).</exception>
    public async Task<UpstreamConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_connectTimeout);
        try
        {
            var connection = await UpstreamConnection.ConnectAsync(_host, _port, _useTls, deadline.Token).ConfigureAwait(false);
            connection.Pool = this;
            _open.TryAdd(connection, 0);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no connection within {_connectTimeout.TotalSeconds} s");
        }
    }

    /// <summary>Puts a connection whose last exchange completed cleanly back for reuse.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.IdleSince = Environment.TickCount64;
        _idle[CurrentShard()].Enqueue(connection);
        if (_disposed)
        {
            CloseIdle(); // lost the race with Dispose: do not leave it open
        }
    }

    /// <summary>Connections idle in the pool now (for <c>http.client.open_connections</c>; walks the shards, so not for requests).</summary>
    public int IdleCount
    {
        get
        {
            var count = 0;
            foreach (var idle in _idle)
            {
                count += idle.Count;
            }

            return count;
        }
    }

    /// <summary>Open connections now, idle or in an exchange (for <c>http.client.open_connections</c>).</summary>
    public int OpenCount => _open.Count;

    /// <summary>Closes every idle connection; connections in use are closed when their exchange ends.</summary>
    public void Dispose()
    {
        _disposed = true;
        FastGateway.Observability.ProxyMetrics.UntrackPool(this);
        _pruner.Dispose();
        _heartbeat.Dispose();
        CloseIdle();
    }

    /// <summary>Drops a closed connection from the heartbeat's set.</summary>
    internal void Forget(UpstreamConnection connection) => _open.TryRemove(connection, out _);

    private void CheckDeadlines()
    {
        var now = Environment.TickCount64;
        foreach (var connection in _open.Keys)
        {
            connection.CheckDeadline(now);
        }
    }

    private static ConcurrentQueue<UpstreamConnection>[] CreateShards()
    {
        var shards = new ConcurrentQueue<UpstreamConnection>[ShardCount];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new ConcurrentQueue<UpstreamConnection>();
        }

        return shards;
    }

    // Threads take shards in the order they first come, round the ring.
    private static int CurrentShard()
    {
        var shard = t_shard;
        if (shard == 0)
        {
            t_shard = shard = (Interlocked.Increment(ref s_threads) & (ShardCount - 1)) + 1;
        }

        return shard - 1;
    }

    private void CloseIdle()
    {
        foreach (var idle in _idle)
        {
            while (idle.TryDequeue(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    // One pass over the connections idle now: the timed-out are closed, the rest go back (renters may take some meanwhile).
    private void Prune()
    {
        var now = Environment.TickCount64;
        foreach (var idle in _idle)
        {
            for (var count = idle.Count; count > 0 && idle.TryDequeue(out var connection); count--)
            {
                if (now - connection.IdleSince < _idleTimeoutMs)
                {
                    idle.Enqueue(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }
    }
}
