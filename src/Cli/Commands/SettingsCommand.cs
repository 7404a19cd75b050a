using System.CommandLine;
using System.Text.Json;
using FastGateway.Cli.Api;
using FastGateway.Cli.Output;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Commands;

/// <summary><c>settings get|set</c>: the runtime settings at <c>/admin/v1/settings</c> (lifetimes in seconds, persisted by the gateway).</summary>
internal static class SettingsCommand
{
    /// <summary>Builds the <c>settings</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("settings", "Runtime settings: default access-token lifetime and authorization-code lifetime");

        var get = new Command("get", "Show the effective settings");
        get.SetAction(CommandRunner.Run(async context =>
        {
            Write(context, (await context.Api.SendAsync(HttpMethod.Get, "/admin/v1/settings", context.CancellationToken))!.Value);
            return ExitCodes.Success;
        }));

        var accessTokenLifetime = new Option<int?>("--access-token-lifetime") { Description = "Default access-token lifetime, seconds (clients without their own)", HelpName = "seconds" };
        var codeLifetime = new Option<int?>("--authorization-code-lifetime") { Description = "Authorization-code lifetime, seconds", HelpName = "seconds" };
        var set = new Command("set", "Change settings (the next token or code uses them; persisted)") { accessTokenLifetime, codeLifetime };
        set.Validators.Add(result =>
        {
            if (result.GetValue(accessTokenLifetime) is null && result.GetValue(codeLifetime) is null)
            {
                result.AddError("give --access-token-lifetime, --authorization-code-lifetime or both");
            }
        });
        set.SetAction(CommandRunner.Run(async context =>
        {
            var change = new GatewaySettings(context.Get(accessTokenLifetime), context.Get(codeLifetime));
            Write(context, (await context.Api.SendAsync(HttpMethod.Patch, "/admin/v1/settings", change, CliJsonContext.Default.GatewaySettings, context.CancellationToken))!.Value);
            return ExitCodes.Success;
        }));

        command.Subcommands.Add(get);
        command.Subcommands.Add(set);
        return command;
    }

    private static void Write(CommandContext context, JsonElement json)
    {
        if (context.Json)
        {
            JsonOutput.Write(json);
            return;
        }

        var settings = json.Deserialize(CliJsonContext.Default.GatewaySettings)!;
        Text.WriteFields(
            Console.Out,
            ("access_token_lifetime", settings.AccessTokenLifetime is { } a ? $"{Text.Number(a)} s" : "-"),
            ("authorization_code_lifetime", settings.AuthorizationCodeLifetime is { } c ? $"{Text.Number(c)} s" : "-"));
    }
}
