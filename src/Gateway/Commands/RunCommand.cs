using FastGateway.Hosting;

namespace FastGateway.Commands;

/// <summary>No command: run the gateway until SIGTERM or Ctrl+C.</summary>
internal static class RunCommand
{
    /// <summary>Checks the configuration, opens the data folder and serves (<see cref="GatewayApp.Build"/>).</summary>
    /// <param name="args">Configuration arguments (<c>--Section:Key=Value</c>, <c>--urls</c>).</param>
    /// <param name="cancellation">Unused: the host handles the signals itself and drains before stopping.</param>
    /// <returns>0 after a clean shutdown.</returns>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellation)
    {
        await using var app = GatewayApp.Build(args);
        await app.RunAsync();
        return 0;
    }
}
