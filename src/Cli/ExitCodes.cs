namespace FastGateway.Cli;

/// <summary>The process exit codes of <c>fastgateway-admin</c>; scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The gateway answered with an error (printed to stderr as <c>error: error_description</c>).</summary>
    public const int ApiError = 1;

    /// <summary>The command line is wrong (unknown command, missing or conflicting options, no admin key).</summary>
    public const int Usage = 2;

    /// <summary>The gateway could not be reached (connection refused, DNS, TLS or timeout).</summary>
    public const int Unreachable = 3;
}
