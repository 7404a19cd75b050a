using FastGateway.Hosting;
using Microsoft.Extensions.Options;

namespace FastGateway.TokenLifecycle;

/// <summary>
/// Runs <see cref="ExpiredTokenRemover.SweepAsync"/> every <c>Storage:SweepInterval</c> seconds (default 3600;
/// 0 turns it off). Request handling never waits for it: reads and writes go on during the scan, the deletes and
/// the compaction. A failed sweep is logged and tried again at the next interval.
/// </summary>
internal sealed partial class TokenSweepService(ExpiredTokenRemover remover, IOptions<StorageOptions> storage, TimeProvider time, ILogger<TokenSweepService> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = storage.Value.SweepInterval;
        if (seconds <= 0)
        {
            Log.Off(logger);
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await remover.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // The sweep must survive a failed run: logged, retried at the next tick.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.Failed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SweepOff, Level = LogLevel.Information, Message = "Token store sweep is off (Storage:SweepInterval = 0)")]
        public static partial void Off(ILogger logger);

        [LoggerMessage(EventId = EventIds.SweepFailed, Level = LogLevel.Error, Message = "Token store sweep failed; trying again at the next interval")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
