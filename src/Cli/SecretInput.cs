using System.Text;

namespace FastGateway.Cli;

/// <summary>
/// Reads a password or token from stdin (<c>--password-stdin</c>, <c>--token-stdin</c>), never from the command line
/// where other users could see it: the first line of piped input, or typed at a terminal without echo.
/// </summary>
internal static class SecretInput
{
    /// <summary>Reads one secret line.</summary>
    /// <param name="what">What is asked for, for the prompt and errors ("password").</param>
    /// <exception cref="UsageException">stdin was empty.</exception>
    public static async Task<string> ReadAsync(string what)
    {
        string? line;
        if (Console.IsInputRedirected)
        {
            line = await Console.In.ReadLineAsync();
        }
        else
        {
            await Console.Error.WriteAsync($"{char.ToUpperInvariant(what[0])}{what[1..]}: ");
            line = ReadWithoutEcho();
            await Console.Error.WriteLineAsync();
        }

        return string.IsNullOrEmpty(line) ? throw new UsageException($"no {what} on stdin: write it as the first line") : line;
    }

    private static string ReadWithoutEcho()
    {
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
