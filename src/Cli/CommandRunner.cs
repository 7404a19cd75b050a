using System.CommandLine;
using FastGateway.Cli.Api;

namespace FastGateway.Cli;

/// <summary>What a command's body gets: the parse result, a connected <see cref="AdminApi"/> and <c>--json</c>.</summary>
internal sealed record CommandContext(ParseResult Parse, AdminApi Api, bool Json, CancellationToken CancellationToken)
{
    /// <summary>The value of one of the command's options or arguments.</summary>
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    /// <summary>The value of one of the command's arguments.</summary>
    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);
}

/// <summary>
/// Turns a command body into a System.CommandLine action: resolves <c>--url</c> and the admin key, and maps failures
/// to exit codes with one line on stderr (never the admin key).
/// </summary>
/// <remarks>
/// <code>
/// args -> RootCommand.Parse -> (parse errors: exit 2) -> action -> Run: url + key -> body(CommandContext)
///                                                                   AdminApiException         -> exit 1
///                                                                   UsageException            -> exit 2
///                                                                   GatewayUnreachableException -> exit 3
/// </code>
/// </remarks>
internal static class CommandRunner
{
    /// <summary>The program's name in messages.</summary>
    public const string Name = "fastgateway-admin";

    /// <summary>Wraps <paramref name="body"/> as an action for <see cref="Command.SetAction(Func{ParseResult, CancellationToken, Task{int}})"/>.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Run(Func<CommandContext, Task<int>> body) => async (parse, cancellationToken) =>
    {
        var url = parse.GetValue(GlobalOptions.Url) ?? Environment.GetEnvironmentVariable(GlobalOptions.UrlVariable) ?? GlobalOptions.DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            return Usage($"--url must be an absolute http:// or https:// URL, not '{url}'");
        }

        var key = parse.GetValue(GlobalOptions.AdminKey) ?? Environment.GetEnvironmentVariable(GlobalOptions.AdminKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            return Usage($"no admin key: set {GlobalOptions.AdminKeyVariable} (or pass --admin-key) to the gateway's Admin:ApiKey");
        }

        using var api = new AdminApi(baseAddress, key, TimeSpan.FromSeconds(60));
        try
        {
            return await body(new CommandContext(parse, api, parse.GetValue(GlobalOptions.Json), cancellationToken));
        }
        catch (AdminApiException e)
        {
            var description = e.Description is null ? "" : $": {e.Description}";
            await Console.Error.WriteLineAsync($"{Name}: {e.Error}{description} (HTTP {e.Status})");
            return ExitCodes.ApiError;
        }
        catch (UsageException e)
        {
            return Usage(e.Message);
        }
        catch (GatewayUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"{Name}: {e.Message}");
            return ExitCodes.Unreachable;
        }
    };

    /// <summary>Prints a usage error and returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int Usage(string message)
    {
        Console.Error.WriteLine($"{Name}: {message}");
        return ExitCodes.Usage;
    }
}
