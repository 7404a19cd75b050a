using FastGateway.Hosting;
namespace FastGateway.TokenStore;

internal sealed partial class FasterTokenStore
{
    /// <summary>Token store log events (ids in <c>EventIds</c>, 1000-1099).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventIds.StoreRecovered, LogLevel.Information, "Token store recovered from checkpoint {CheckpointToken} with version {Version} in {ElapsedMs:F1} ms ({Path}).")]
        public static partial void Recovered(ILogger logger, Guid checkpointToken, long version, double elapsedMs, string path);

        [LoggerMessage(EventIds.StoreFresh, LogLevel.Information, "Token store has no checkpoint in {Path}: starting a fresh store.")]
        public static partial void FreshStore(ILogger logger, string path);

        [LoggerMessage(EventIds.StoreCheckpointTaken, LogLevel.Debug, "Token store checkpoint {CheckpointToken} committed; store version is now {Version}.")]
        public static partial void CheckpointTaken(ILogger logger, Guid checkpointToken, long version);

        [LoggerMessage(EventIds.StoreCheckpointFailed, LogLevel.Error, "Token store checkpoint failed; writers keep waiting and the commit is retried.")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventIds.StoreWritersStillWaiting, LogLevel.Warning, "Token store closing while writers still hold write sessions after 5 s; disposing anyway.")]
        public static partial void WritersStillWaiting(ILogger logger);
    }
}
