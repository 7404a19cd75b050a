using System.CommandLine;
using System.CommandLine.Invocation;
using FastGateway.Cli;
using FastGateway.Cli.Commands;

// fastgateway-admin: operate a running FastGateway through its admin API. Exit codes: see ExitCodes.
var root = new RootCommand("fastgateway-admin: operate a running FastGateway through its admin API (/admin/v1)")
{
    GlobalOptions.Url,
    GlobalOptions.AdminKey,
    GlobalOptions.Json,
};
root.Subcommands.Add(ClientsCommand.Create());
root.Subcommands.Add(UsersCommand.Create());
root.Subcommands.Add(TokensCommand.Create());
root.Subcommands.Add(SettingsCommand.Create());

var parse = root.Parse(args);
if (parse.Action is ParseErrorAction)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"{CommandRunner.Name}: {error.Message}");
    }

    // The full command path for the hint, e.g. "fastgateway-admin tokens revoke --help".
    var path = new List<string>();
    for (var result = parse.CommandResult; result is not null && result.Command != root; result = result.Parent as System.CommandLine.Parsing.CommandResult)
    {
        path.Insert(0, result.Command.Name);
    }

    await Console.Error.WriteLineAsync($"Run '{string.Join(' ', [CommandRunner.Name, .. path, "--help"])}' for usage.");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync();
