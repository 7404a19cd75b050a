using System.CommandLine;
using FastGateway.Cli.Api;
using FastGateway.Cli.Output;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Commands;

/// <summary>
/// <c>users create|list|get|delete|set-password</c>: resource owners through <c>/admin/v1/users</c>. Passwords are
/// read from stdin (<c>--password-stdin</c>), never from the command line.
/// </summary>
internal static class UsersCommand
{
    /// <summary>Builds the <c>users</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("users", "Users (resource owners): create, list, get, delete, set-password");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(GetCommand());
        command.Subcommands.Add(DeleteCommand());
        command.Subcommands.Add(SetPasswordCommand());
        return command;
    }

    private static Argument<string> UsernameArgument() => new("username") { Description = "The username (1-64 of A-Z a-z 0-9 . _ @ -)" };

    private static Option<bool> PasswordStdinOption() => new("--password-stdin")
    {
        Description = "Read the password (8-1024 characters) from stdin: the first line; required, passwords are never taken from arguments",
    };

    /// <summary>Makes <c>--password-stdin</c> mandatory (a bool option counts as given when absent, so Required does not do it).</summary>
    private static void RequirePasswordStdin(Command command, Option<bool> passwordStdin) => command.Validators.Add(result =>
    {
        if (!result.GetValue(passwordStdin))
        {
            result.AddError("give --password-stdin and write the password to stdin; passwords are never taken from arguments");
        }
    });

    private static Command CreateCommand()
    {
        var username = UsernameArgument();
        var passwordStdin = PasswordStdinOption();
        var command = new Command("create", "Create a user") { username, passwordStdin };
        RequirePasswordStdin(command, passwordStdin);
        command.SetAction(CommandRunner.Run(async context =>
        {
            var password = await SecretInput.ReadAsync("password");
            var user = await context.Api.SendAsync(HttpMethod.Post, "/admin/v1/users", new UserCreateRequest(context.Get(username)!, password), CliJsonContext.Default.UserCreateRequest, context.CancellationToken);
            WriteUser(context, user!.Value, "created user");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var limit = new Option<int?>("--limit") { Description = "Page size used while reading every page (1-500) [default: the gateway's, 50]", HelpName = "count" };
        var command = new Command("list", "List every user (all pages), ordered by username") { limit };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var items = await context.Api.GetAllPagesAsync("/admin/v1/users", "users", context.Get(limit), context.CancellationToken);
            if (context.Json)
            {
                JsonOutput.WriteList("users", items);
                return ExitCodes.Success;
            }

            var table = new ConsoleTable("USERNAME", "CREATED_AT");
            foreach (var item in items)
            {
                var user = System.Text.Json.JsonSerializer.Deserialize(item, CliJsonContext.Default.UserResponse)!;
                table.Add(user.Username, Text.Time(user.CreatedAt));
            }

            table.Write(Console.Out, "no users");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command GetCommand()
    {
        var username = UsernameArgument();
        var command = new Command("get", "Show one user") { username };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var user = await context.Api.SendAsync(HttpMethod.Get, UserPath(context.Get(username)!), context.CancellationToken);
            WriteUser(context, user!.Value, "user");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command DeleteCommand()
    {
        var username = UsernameArgument();
        var command = new Command("delete", "Delete a user: every token they own stops working at once") { username };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var name = context.Get(username)!;
            await context.Api.SendAsync(HttpMethod.Delete, UserPath(name), context.CancellationToken);
            if (context.Json)
            {
                JsonOutput.Write(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("username", name);
                    writer.WriteBoolean("deleted", true);
                    writer.WriteEndObject();
                });
            }
            else
            {
                Console.Out.WriteLine($"deleted user {name}; their tokens no longer work");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command SetPasswordCommand()
    {
        var username = UsernameArgument();
        var passwordStdin = PasswordStdinOption();
        var command = new Command("set-password", "Change a user's password (issued tokens stay valid: revoke them with tokens revoke --owner)") { username, passwordStdin };
        RequirePasswordStdin(command, passwordStdin);
        command.SetAction(CommandRunner.Run(async context =>
        {
            var password = await SecretInput.ReadAsync("password");
            var user = await context.Api.SendAsync(HttpMethod.Patch, UserPath(context.Get(username)!), new UserPatchRequest(password), CliJsonContext.Default.UserPatchRequest, context.CancellationToken);
            WriteUser(context, user!.Value, "changed the password of user");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string UserPath(string username) => $"/admin/v1/users/{Uri.EscapeDataString(username)}";

    private static void WriteUser(CommandContext context, System.Text.Json.JsonElement json, string what)
    {
        if (context.Json)
        {
            JsonOutput.Write(json);
            return;
        }

        var user = System.Text.Json.JsonSerializer.Deserialize(json, CliJsonContext.Default.UserResponse)!;
        Console.Out.WriteLine($"{what} {user.Username} (created {Text.Time(user.CreatedAt)})");
    }
}
