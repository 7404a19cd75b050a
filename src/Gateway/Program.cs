using FastGateway.Commands;
using Microsoft.Extensions.Options;

// The dispatch table: no command runs the gateway (FastGateway --help lists the rest).
var commandLine = GatewayCommandLine.Create(RunCommand.RunAsync, CheckCommand.Create(), DefinitionCommand.Create());
try
{
    return await GatewayCommandLine.InvokeAsync(commandLine, args);
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException or OptionsValidationException)
{
    // Configuration and data-folder problems (OptionsValidationException: every problem the check found): one clear
    // line, no stack trace; a malformed appsettings.json with its file, line and position.
    await Console.Error.WriteLineAsync($"fastgateway: {StartFailure.Describe(e)}");
    return 2;
}
