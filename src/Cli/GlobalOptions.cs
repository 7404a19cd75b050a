using System.CommandLine;

namespace FastGateway.Cli;

/// <summary>Options every command accepts (declared on the root command, <see cref="Option.Recursive"/>).</summary>
internal static class GlobalOptions
{
    /// <summary>Environment variable with the gateway's base URL.</summary>
    public const string UrlVariable = "FASTGATEWAY_URL";

    /// <summary>Environment variable with the admin API key.</summary>
    public const string AdminKeyVariable = "FASTGATEWAY_ADMIN_KEY";

    /// <summary>The gateway's base URL when neither <c>--url</c> nor the environment says.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary><c>--url</c>: the gateway's base URL.</summary>
    public static readonly Option<string> Url = new("--url")
    {
        Description = $"The gateway's base URL [default: ${UrlVariable}, else {DefaultUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    /// <summary>
    /// <c>--admin-key</c>: the gateway's <c>Admin:ApiKey</c>. No default value factory on purpose: help would print
    /// the value it found in the environment.
    /// </summary>
    public static readonly Option<string> AdminKey = new("--admin-key")
    {
        Description = $"The admin API key [default: ${AdminKeyVariable}; prefer the variable, a command line is visible to other users]",
        HelpName = "key",
        Recursive = true,
    };

    /// <summary><c>--json</c>: print JSON instead of plain text.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the gateway's JSON answers (lists: every page merged) instead of plain text",
        Recursive = true,
    };
}
