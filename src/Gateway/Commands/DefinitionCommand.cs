using System.CommandLine;
using System.Text.Json;
using FastGateway.Definition;
using FastGateway.Json;

namespace FastGateway.Commands;

/// <summary>
/// <c>FastGateway definition [--json]</c>: prints the definition compiled into this binary (APIs, resources, API
/// scopes, scope mappings and their hash), to compare two builds before deploying:
/// <c>diff &lt;(old/FastGateway definition) &lt;(new/FastGateway definition)</c>. Reads no configuration.
/// </summary>
internal static class DefinitionCommand
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print the JSON document of GET /admin/v1/definition instead of text." };

    /// <summary>The <c>definition</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("definition", "Print the compiled definition (APIs, resources, API scopes, scope mappings) and its sha256 hash, as text that diffs line by line, or --json.")
        {
            Json,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.UnmatchedTokens.Count != 0)
            {
                // The root lets unmatched tokens through as configuration; this command reads none.
                parse.InvocationConfiguration.Error.WriteLine($"fastgateway: definition takes no argument '{parse.UnmatchedTokens[0]}' (only --json; it reads no configuration)");
                return GatewayCommandLine.UsageError;
            }

            if (parse.GetValue(Json))
            {
                // Indented for reading; the same document (and hash) as the admin API's compact one.
                var indented = new GatewayJsonContext(new JsonSerializerOptions(GatewayJsonContext.Default.Options) { WriteIndented = true });
                output.WriteLine(JsonSerializer.Serialize(CompiledDefinition.Document, indented.DefinitionResponse));
            }
            else
            {
                output.Write(CompiledDefinition.Text);
            }

            return 0;
        });
        return command;
    }
}
