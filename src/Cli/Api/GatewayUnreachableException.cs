namespace FastGateway.Cli.Api;

/// <summary>No HTTP answer from the gateway: connection refused, name resolution, TLS or timeout.</summary>
internal sealed class GatewayUnreachableException(Uri baseAddress, string reason, Exception? inner)
    : Exception($"cannot reach the gateway at {baseAddress}: {reason}", inner);
