namespace FastGateway.TokenStore;

internal sealed partial class FasterTokenStore
{
    /// <summary>Token store log events (ids 1100-1199).</summary>
    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Information, "Token store recovered from checkpoint {CheckpointToken} with version {Version} in {ElapsedMs:F1} ms ({Path}).")]
        public static partial void Recovered(ILogger logger, Guid checkpointToken, long version, double elapsedMs, string path);

        [LoggerMessage(1101, LogLevel.Information, "Token store has no checkpoint in {Path}: starting a fresh store.")]
        public static partial void FreshStore(ILogger logger, string path);

        [LoggerMessage(1102, LogLevel.Debug, "Token store checkpoint {CheckpointToken} committed; store version is now {Version}.")]
        public static partial void CheckpointTaken(ILogger logger, Guid checkpointToken, long version);

        [LoggerMessage(1103, LogLevel.Error, "Token store checkpoint failed; writers keep waiting and the commit is retried.")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);

        [LoggerMessage(1104, LogLevel.Warning, "Token store closing while writers still hold write sessions after 5 s; disposing anyway.")]
        public static partial void WritersStillWaiting(ILogger logger);
    }
}
