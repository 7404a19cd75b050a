using FastGateway.Hosting;

try
{
    await using var app = GatewayApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
{
    // Configuration and data-folder problems: one clear line, no stack trace.
    await Console.Error.WriteLineAsync($"fastgateway: {e.Message}");
    return 2;
}
