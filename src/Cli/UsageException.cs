namespace FastGateway.Cli;

/// <summary>The command cannot run as given (exit code <see cref="ExitCodes.Usage"/>), found after parsing (e.g. empty stdin).</summary>
internal sealed class UsageException(string message) : Exception(message);
