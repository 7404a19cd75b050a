using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace FastGateway.Commands;

/// <summary>
/// The gateway's command line (System.CommandLine): no command runs the gateway; <c>check</c> and <c>definition</c>
/// are the others. <c>--help</c> and <c>--version</c> answer without reading configuration or touching the data folder.
/// </summary>
/// <remarks>
/// Configuration arguments (<c>--Section:Key=Value</c>, <c>--urls ...</c>) are not options of these commands: unmatched
/// tokens are allowed and handed to the host as they came, so ASP.NET Core's command-line configuration provider reads
/// them unchanged. Response files (<c>@file</c>) are off, so a value starting with <c>@</c> stays a value. Signals are
/// left to the host (its graceful SIGTERM shutdown), not taken by System.CommandLine.
/// </remarks>
internal static class GatewayCommandLine
{
    /// <summary>Program name in messages and usage.</summary>
    public const string Name = "FastGateway";

    /// <summary>Exit code of a command line that cannot be understood (System.CommandLine's own parse errors use it too).</summary>
    public const int UsageError = 1;

    /// <summary>Where configuration comes from, printed after the usage.</summary>
    private const string ConfigurationHelp = """
        Configuration (later sources override earlier ones):
          appsettings.json beside the binary, then appsettings.{Environment}.json (DOTNET_ENVIRONMENT or ASPNETCORE_ENVIRONMENT)
          environment variables, with __ between levels:  OAuth__AccessTokenLifetime=600
          arguments:                                      --OAuth:AccessTokenLifetime=600
          --urls http://0.0.0.0:8080                      where the gateway listens (also ASPNETCORE_URLS)
        Common settings:
          --Upstreams:<api>=<url>    upstream of each API of gateway.json (FastGateway definition lists them)
          --Storage:Path=<folder>    data folder: token store, clients, users (default: data)
          --Admin:ApiKey=<key>       admin API key, at least 32 characters (unset: admin API off)
          --Admin:Urls=<urls>        the admin API's own listener, e.g. http://127.0.0.1:9901
          --OAuth:Issuer=<url>       issuer identifier (RFC 8414), the https URL clients use
        Exit codes: 0 success, 1 usage error, 2 invalid configuration or data folder.
        Reference: README.md ("Configuration") and docs/operations.md.
        """;

    /// <summary>Builds the root command: <paramref name="run"/> when no command is given, plus <paramref name="commands"/>.</summary>
    /// <param name="run">Runs the gateway with the configuration arguments; returns the exit code.</param>
    /// <param name="commands">The other commands.</param>
    public static RootCommand Create(Func<string[], CancellationToken, Task<int>> run, params Command[] commands)
    {
        var root = new RootCommand("FastGateway: an OAuth 2.0 authorization server and a reverse proxy that enforces its tokens per route.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        root.SetAction((parse, cancellation) =>
        {
            var args = ConfigurationArguments(parse);
            if (StrayWord(args) is { } word)
            {
                // `FastGateway chek` would otherwise start the gateway: configuration ignores a word that is no key's value.
                var nearest = Hosting.EditDistance.Nearest(word, commands.Select(command => command.Name));
                parse.InvocationConfiguration.Error.WriteLine($"fastgateway: unknown command '{word}'{(nearest is null ? "" : $"; did you mean '{nearest}'?")} (FastGateway --help lists them)");
                return Task.FromResult(UsageError);
            }

            return run(args, cancellation);
        });
        foreach (var option in root.Options)
        {
            if (option is HelpOption help && help.Action is HelpAction standard)
            {
                help.Action = new HelpWithConfiguration(standard);
            }
            else if (option is VersionOption version)
            {
                version.Action = new PrintVersion();
            }
        }

        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; exceptions reach the caller (Program's one-line report).</summary>
    public static Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        return parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }

    /// <summary>
    /// The first token that is neither a configuration key (<c>--key=value</c>, <c>--key</c>, <c>/key</c>) nor the value
    /// after a key given without <c>=</c>, as ASP.NET Core's command-line provider pairs them; null when there is none.
    /// </summary>
    internal static string? StrayWord(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith('-') && !token.StartsWith('/'))
            {
                return token;
            }

            if (!token.Contains('=', StringComparison.Ordinal))
            {
                i++; // its value
            }
        }

        return null;
    }

    /// <summary>The tokens meant for configuration, in their order (everything the command line did not match).</summary>
    public static string[] ConfigurationArguments(ParseResult parse) => [.. parse.UnmatchedTokens];

    /// <summary>The standard help, then where configuration comes from.</summary>
    private sealed class HelpWithConfiguration(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(ConfigurationHelp);
            return 0;
        }
    }

    /// <summary><c>FastGateway 1.0.0+&lt;commit&gt;</c>.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"{Name} {GatewayVersion.Value}");
            return 0;
        }
    }
}
