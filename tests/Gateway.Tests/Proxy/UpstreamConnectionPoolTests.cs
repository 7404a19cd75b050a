using System.Net;
using System.Net.Sockets;
using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>
/// The upstream connection pool, sharded by thread: a connection returned on one thread is still handed out on
/// another, and timed-out or disposed pools hand out nothing. Real sockets to a loopback listener.
/// </summary>
public sealed class UpstreamConnectionPoolTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];

    public UpstreamConnectionPoolTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    [Fact]
    public async Task ConnectionReturnedOnAnotherThread_IsRentedHere()
    {
        using var pool = NewPool(TimeSpan.FromMinutes(1));
        var connection = await OpenAsync(pool);

        ReturnOnNewThread(pool, connection);

        Assert.True(pool.TryRent(out var rented));
        Assert.Same(connection, rented);
        Assert.False(pool.TryRent(out _));
        rented.Dispose();
    }

    [Fact]
    public async Task ConnectionsReturnedOnManyThreads_AreAllRentedOnce()
    {
        using var pool = NewPool(TimeSpan.FromMinutes(1));
        var connections = new List<UpstreamConnection>();
        for (var i = 0; i < 12; i++)
        {
            connections.Add(await OpenAsync(pool));
        }

        var threads = connections.Select(c => new Thread(() => pool.Return(c))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var rented = new List<UpstreamConnection>();
        while (pool.TryRent(out var connection))
        {
            rented.Add(connection);
        }

        Assert.Equal(connections.ToHashSet(), rented.ToHashSet());
        Assert.Equal(connections.Count, rented.Count);
        rented.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ConnectionIdlePastTheTimeout_IsNotRented()
    {
        using var pool = NewPool(TimeSpan.FromMilliseconds(1));
        var connection = await OpenAsync(pool);
        pool.Return(connection);
        await Task.Delay(50);

        Assert.False(pool.TryRent(out _));
    }

    [Fact]
    public async Task DisposedPool_ClosesItsIdleConnections_OnEveryShard()
    {
        var pool = NewPool(TimeSpan.FromMinutes(1));
        var here = await OpenAsync(pool);
        var there = await OpenAsync(pool);
        pool.Return(here);
        ReturnOnNewThread(pool, there);

        pool.Dispose();

        // The upstream sees both connections closed: a read on its side ends.
        var buffer = new byte[1];
        foreach (var socket in _accepted)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        }

        Assert.Equal(2, _accepted.Count);
        Assert.False(pool.TryRent(out _));
    }

    public void Dispose()
    {
        _accepted.ForEach(s => s.Dispose());
        _listener.Stop();
    }

    // A dedicated thread takes a shard of its own, as a socket thread does.
    private static void ReturnOnNewThread(UpstreamConnectionPool pool, UpstreamConnection connection)
    {
        var thread = new Thread(() => pool.Return(connection));
        thread.Start();
        thread.Join();
    }

    private UpstreamConnectionPool NewPool(TimeSpan idleTimeout) =>
        new("127.0.0.1", Port, useTls: false, connectTimeout: TimeSpan.FromSeconds(10), idleTimeout);

    private async Task<UpstreamConnection> OpenAsync(UpstreamConnectionPool pool)
    {
        var accept = _listener.AcceptSocketAsync();
        var connection = await pool.ConnectAsync(CancellationToken.None);
        _accepted.Add(await accept);
        return connection;
    }
}
