using Microsoft.Extensions.Options;

namespace FastGateway.Hosting;

/// <summary>
/// <c>Proxy:DrainDelay</c>: on SIGTERM while a new process waits for the data folder (a swap, docs/deployment.md), this
/// process keeps listening and serving for the delay, answering every response with <c>Connection: close</c> and
/// <c>/readyz</c> with 503 <c>draining</c>; then the host's normal shutdown runs.
/// </summary>
/// <remarks>
/// <code>
/// SIGTERM ─► StoppingAsync: successor waiting? ─ no ─► shutdown at once
///                 │ yes
///                 ▼
///            draining for DrainDelay: every response "Connection: close", /readyz 503
///                 ▼
/// Kestrel stops: listener closed (queued connections move to the successor's listener, net.ipv4.tcp_migrate_req=1),
///                in-flight requests finish (up to HostOptions.ShutdownTimeout), idle connections closed
///                 ▼
/// container disposed: token store's final checkpoint, then the data folder's lock ─► successor opens the store
/// </code>
/// Without the delay, Kestrel closes idle keep-alive connections at once, and a client that sends its next request in
/// that instant sees the connection close under it (RFC 9112 section 9.6 lets it retry, but not every client does).
/// With it, a client with traffic ends its connection on a response boundary.
/// </remarks>
internal sealed partial class ShutdownDrain(IOptions<ProxyOptions> proxy, IOptions<StorageOptions> storage, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    /// <summary>Whether the drain is on: responses carry <c>Connection: close</c>.</summary>
    public bool IsDraining => _draining;

    /// <inheritdoc/>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = proxy.Value.DrainDelay;
        if (delay <= 0 || !StorageLock.SuccessorWaiting(storage.Value.Path))
        {
            return;
        }

        _draining = true;
        Log.Draining(logger, delay);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(delay), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out: stop now.
        }
    }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventIds.DrainStarted, LogLevel.Information, "Stopping while another process waits for the data folder: serving {DelaySeconds} s more with Connection: close (Proxy:DrainDelay).")]
        public static partial void Draining(ILogger logger, double delaySeconds);
    }
}
