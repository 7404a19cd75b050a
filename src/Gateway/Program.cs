using FastGateway.Hosting;
using Microsoft.Extensions.Options;

try
{
    await using var app = GatewayApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException or OptionsValidationException)
{
    // Configuration and data-folder problems (OptionsValidationException: a value out of range): one clear line, no stack trace.
    await Console.Error.WriteLineAsync($"fastgateway: {e.Message}");
    return 2;
}
