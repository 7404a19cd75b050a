using System.Text.Json;
using System.Text.RegularExpressions;

namespace FastGateway.Commands;

/// <summary>The one line a refused start (or <c>check</c>) prints for an exception.</summary>
internal static partial class StartFailure
{
    /// <summary>
    /// The exception's message, except for a configuration file that is not valid JSON: the file configuration provider
    /// throws "Failed to load configuration from file '...'" around the parser's <see cref="JsonException"/>, whose line
    /// and byte position (0-based) become <c>&lt;file&gt;: invalid JSON at line L, position P (1-based): &lt;reason&gt;</c>.
    /// </summary>
    public static string Describe(Exception exception)
    {
        if (exception is InvalidDataException && Innermost<JsonException>(exception) is { } json && FileName().Match(exception.Message) is { Success: true } file)
        {
            var reason = json.Message;
            // The reader's message repeats the position ("... LineNumber: 2 | BytePositionInLine: 4."), given here 1-based.
            if (reason.IndexOf(" LineNumber:", StringComparison.Ordinal) is var at and > 0)
            {
                reason = reason[..at];
            }

            return $"{file.Groups[1].Value}: invalid JSON at line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}: {reason}";
        }

        return exception.Message;
    }

    private static T? Innermost<T>(Exception exception)
        where T : Exception
    {
        T? found = null;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            found = current as T ?? found;
        }

        return found;
    }

    [GeneratedRegex("'(.+)'")]
    private static partial Regex FileName();
}
