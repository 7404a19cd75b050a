using System.Globalization;
using System.Text;

namespace FastGateway.Tests.Proxy;

/// <summary>Helpers shared by the property tests: strings shown as C# literals, so a counterexample can be pasted back.</summary>
internal static class PropertyText
{
    /// <summary>The string as a C# literal: controls, non-ASCII and quotes escaped.</summary>
    public static string Literal(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ' or >= '\u007F':
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Bytes shown as text with CR, LF and other non-printable octets escaped.</summary>
    public static string Bytes(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            _ = b switch
            {
                (byte)'\r' => builder.Append("\\r"),
                (byte)'\n' => builder.Append("\\n\n"),
                < 0x20 or >= 0x7F => builder.Append("\\x").Append(b.ToString("X2", CultureInfo.InvariantCulture)),
                _ => builder.Append((char)b),
            };
        }

        return builder.ToString();
    }

    /// <summary>Shrinks an array by removing one element at a time (FsCheck tries each candidate in order).</summary>
    public static IEnumerable<T[]> WithoutOne<T>(T[] items)
    {
        for (var i = 0; i < items.Length; i++)
        {
            yield return [.. items[..i], .. items[(i + 1)..]];
        }
    }
}
