using System.Globalization;

namespace FastGateway.Cli.Output;

/// <summary>Plain-text formatting shared by the commands.</summary>
internal static class Text
{
    /// <summary>Unix seconds as UTC <c>yyyy-MM-dd HH:mm:ssZ</c>; "-" when absent.</summary>
    public static string Time(long? unixSeconds) => unixSeconds is { } seconds
        ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : "-";

    /// <summary>A list joined with spaces; "-" when empty.</summary>
    public static string List(IReadOnlyList<string>? values) => values is { Count: > 0 } ? string.Join(' ', values) : "-";

    /// <summary>A value or "-".</summary>
    public static string OrDash(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    /// <summary>A number in invariant culture.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes <c>name  value</c> lines with the names padded to one column.</summary>
    public static void WriteFields(TextWriter writer, params (string Name, string Value)[] fields)
    {
        var width = 0;
        foreach (var (name, _) in fields)
        {
            width = Math.Max(width, name.Length);
        }

        foreach (var (name, value) in fields)
        {
            writer.WriteLine($"{name.PadRight(width + 2)}{value}");
        }
    }
}
