using System.CommandLine;
using FastGateway.Hosting;

namespace FastGateway.Commands;

/// <summary>
/// <c>FastGateway check</c>: validates the whole configuration the gateway would start with (same sources, same
/// arguments) and lists every problem, as Envoy's <c>--mode validate</c> does. Never opens or locks the data folder, so
/// it can run beside a gateway that holds it.
/// </summary>
internal static class CheckCommand
{
    /// <summary>Exit code when the configuration has problems (the same as a refused start).</summary>
    public const int Invalid = 2;

    /// <summary>The <c>check</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("check", "Validate the configuration (every section, key and value) and list every problem; exit 0 when it is valid, 2 otherwise. The data folder is not opened.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse => Run(GatewayCommandLine.ConfigurationArguments(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Checks the configuration built from <paramref name="args"/>.</summary>
    /// <returns>0 when valid ("configuration is valid" on <paramref name="output"/>), else <see cref="Invalid"/> with one
    /// line per problem on <paramref name="error"/>.</returns>
    /// <exception cref="InvalidDataException">A configuration file is not valid JSON (reported by Program).</exception>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var builder = GatewayApp.CreateBuilder(args);
        var problems = ConfigurationCheck.FindProblems(builder.Configuration);
        if (problems.Count == 0)
        {
            output.WriteLine($"{GatewayCommandLine.Name.ToLowerInvariant()}: configuration is valid");
            return 0;
        }

        foreach (var problem in problems)
        {
            error.WriteLine($"{GatewayCommandLine.Name.ToLowerInvariant()}: {problem}");
        }

        error.WriteLine($"{GatewayCommandLine.Name.ToLowerInvariant()}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")} found; the gateway would not start");
        return Invalid;
    }
}
