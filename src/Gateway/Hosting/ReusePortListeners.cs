using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace FastGateway.Hosting;

/// <summary>
/// <c>Proxy:ReusePort</c>: the listening sockets set <c>SO_REUSEPORT</c> and are bound and listening before the data
/// folder is opened, so a new gateway started beside a running one (a swap, docs/deployment.md) shares its ports and
/// queues connections while it waits for the folder's lock; the kernel completes their handshakes and holds them in
/// this process's accept queue until Kestrel starts accepting. Linux only.
/// </summary>
/// <remarks>
/// <code>
/// GatewayApp.Build ─► Bind(urls) ─► socket(SO_REUSEPORT), bind, listen ──► (lock wait, store recovery)
///                                                                              │
/// Kestrel start ──► CreateBoundListenSocket(endpoint) ─► the early socket for it (else a new SO_REUSEPORT one)
/// StartedAsync ──► early sockets Kestrel did not ask for are closed (they would take connections nobody accepts)
/// </code>
/// The endpoints follow Kestrel's own resolution of a URL: an IP literal is itself; <c>localhost</c> is 127.0.0.1 and
/// ::1; any other host (<c>*</c>, <c>+</c>, a name) is [::] in dual mode, else 0.0.0.0. Port 0 is left to Kestrel.
/// When this process stops, connections still queued on its listener are reset unless <c>net.ipv4.tcp_migrate_req=1</c>
/// (Linux 5.14+), which moves them to another listener of the same port group: checked at start (event 1903).
/// </remarks>
internal sealed partial class ReusePortListeners : IHostedLifecycleService
{
    // <sys/socket.h> on Linux (every architecture .NET runs on).
    private const int SolSocket = 1;
    private const int SoReusePort = 15;
    private const string MigrateRequestsSysctl = "/proc/sys/net/ipv4/tcp_migrate_req";

    private readonly ConcurrentDictionary<IPEndPoint, Socket> _early = new();
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private ReusePortListeners()
    {
    }

    /// <summary>
    /// When <see cref="ProxyOptions.ReusePort"/> is on (and the OS is Linux), binds the listening sockets of every URL
    /// Kestrel will listen on and has Kestrel take them.
    /// </summary>
    /// <param name="builder">The gateway's builder, after <c>Admin:Urls</c> has joined the URLs.</param>
    /// <param name="proxyOptions">The <c>Proxy</c> section.</param>
    /// <exception cref="InvalidOperationException">A port is in use by a socket without <c>SO_REUSEPORT</c> or of another user.</exception>
    public static void Use(WebApplicationBuilder builder, ProxyOptions proxyOptions)
    {
        if (!proxyOptions.ReusePort || !OperatingSystem.IsLinux())
        {
            return;
        }

        var listeners = new ReusePortListeners();

        foreach (var url in Urls(builder.Configuration))
        {
            var address = BindingAddress.Parse(url);
            if (address.IsUnixPipe || address.Port == 0)
            {
                continue;
            }

            if (address.Host == "localhost")
            {
                listeners.BindEarly(new IPEndPoint(IPAddress.Loopback, address.Port), optional: false);
                listeners.BindEarly(new IPEndPoint(IPAddress.IPv6Loopback, address.Port), optional: true);
            }
            else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            {
                listeners.BindEarly(new IPEndPoint(ip, address.Port), optional: false);
            }
            else if (!listeners.BindEarly(new IPEndPoint(IPAddress.IPv6Any, address.Port), optional: true))
            {
                listeners.BindEarly(new IPEndPoint(IPAddress.Any, address.Port), optional: false);
            }
        }

        // Adds to the socket options Kestrel already has (Proxy:InlineScheduling sets another one).
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = listeners.Take);
        builder.Services.AddHostedService(services =>
        {
            listeners._logger = services.GetRequiredService<ILogger<ReusePortListeners>>();
            return listeners;
        });
    }

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var (endpoint, socket) in _early)
        {
            if (_early.TryRemove(endpoint, out _))
            {
                socket.Dispose();
            }
        }

        Log.Listening(_logger);
        if (MigrateRequests() is { } value and not "1")
        {
            Log.MigrateRequestsOff(_logger, value);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The URLs Kestrel binds: <c>Kestrel:Endpoints</c> when set, else <c>urls</c>, else the HTTP(S)_PORTS variables, else its default.</summary>
    private static string[] Urls(ConfigurationManager configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"]).OfType<string>().ToArray();
        if (endpoints.Length != 0)
        {
            return endpoints;
        }

        string[] urls = [.. Split(configuration[WebHostDefaults.ServerUrlsKey])];
        if (urls.Length == 0)
        {
            urls = [.. Split(configuration[WebHostDefaults.HttpPortsKey]).Select(port => $"http://*:{port}"),
                .. Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(port => $"https://*:{port}")];
        }

        return urls.Length == 0 ? ["http://localhost:5000"] : urls;

        static string[] Split(string? value) => value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    }

    /// <summary>Binds and listens on <paramref name="endpoint"/> now; an <paramref name="optional"/> one may fail (no IPv6).</summary>
    private bool BindEarly(IPEndPoint endpoint, bool optional)
    {
        if (_early.ContainsKey(endpoint))
        {
            return true;
        }

        try
        {
            var socket = Bind(endpoint);
            socket.Listen(new SocketTransportOptions().Backlog);
            _early[endpoint] = socket;
            return true;
        }
        catch (SocketException e) when (optional && e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
        {
            return false;
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"cannot listen on {endpoint}: {e.Message} (a process without SO_REUSEPORT, or of another user, holds the port; Proxy:ReusePort)", e);
        }
    }

    /// <summary>Kestrel's <see cref="SocketTransportOptions.CreateBoundListenSocket"/>: the early socket, else a new one.</summary>
    private Socket Take(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip when _early.TryRemove(ip, out var socket) => socket,
        IPEndPoint ip => Bind(ip),
        _ => SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint),
    };

    /// <summary>A TCP socket bound to <paramref name="endpoint"/> with SO_REUSEPORT, as Kestrel's default one otherwise.</summary>
    private static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string? MigrateRequests()
    {
        try
        {
            return File.ReadAllText(MigrateRequestsSysctl).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ListenersBoundEarly, LogLevel.Debug, "Listening sockets set SO_REUSEPORT (Proxy:ReusePort): a new gateway can take over these ports (docs/deployment.md).")]
        public static partial void Listening(ILogger logger);

        [LoggerMessage(EventIds.MigrateRequestsOff, LogLevel.Warning, "net.ipv4.tcp_migrate_req is {Value}, not 1: connections queued on this process's listener when it stops during a swap are reset instead of moved to the new process (docs/deployment.md).")]
        public static partial void MigrateRequestsOff(ILogger logger, string value);
    }
}
