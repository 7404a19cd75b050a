using System.Text;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Proxy;

/// <summary>
/// Decodes the client's <c>Connection</c> field lines (Kestrel's <c>RequestHeaderEncodingSelector</c>) so the options
/// they list survive for hop-by-hop removal (RFC 9110 section 7.6.1).
/// </summary>
/// <remarks>
/// Kestrel parses <c>Connection</c> for its own keep-alive decision and, when the options it knows add up to exactly
/// one of <c>keep-alive</c>, <c>close</c> or <c>upgrade</c>, replaces the whole field with that one interned value:
/// <c>Connection: keep-alive, X-Hop</c> reached the app as <c>keep-alive</c>, so <c>X-Hop</c> was forwarded. Here those
/// three options are read with a <c>~</c> in front (<c>~close</c>), which Kestrel does not know, so it leaves the value as
/// sent (a client's own option that starts with <c>~</c> gets a second one, so <see cref="Unmark"/> is exact). The meaning is kept by the gateway: <c>~close</c> closes the client connection after the response
/// (<see cref="ListsClose"/>); keep-alive is HTTP/1.1's default (an HTTP/1.0 client's connection now closes after each
/// response); the gateway forwards no upgrade. Only <c>Connection</c> lines take this path; every other field keeps
/// Kestrel's default decoding (ASCII, else UTF-8).
/// </remarks>
internal sealed class ConnectionFieldEncoding : Encoding
{
    private static readonly ConnectionFieldEncoding Instance = new();
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>For <c>KestrelServerOptions.RequestHeaderEncodingSelector</c>: this encoding for <c>Connection</c>, else
    /// null (Kestrel's default).</summary>
    public static Encoding? Select(string fieldName) =>
        ReferenceEquals(fieldName, "Connection") || fieldName.Equals("Connection", StringComparison.OrdinalIgnoreCase) ? Instance : null;

    /// <summary>Whether the Connection field lines, as this encoding left them, hold the client's <c>close</c> (which
    /// Kestrel no longer sees, so the gateway must close the connection itself).</summary>
    public static bool ListsClose(StringValues connection)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan(range).Trim(" \t").Equals("~close", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A connection option as the client sent it: without the <c>~</c> this encoding put in front of a Kestrel-known
    /// option, or in front of a client's own option that starts with <c>~</c>.</summary>
    public static ReadOnlySpan<char> Unmark(ReadOnlySpan<char> option) =>
        option.StartsWith("~~", StringComparison.Ordinal) || (option.StartsWith('~') && IsKnown(option[1..])) ? option[1..] : option;

    private static bool IsKnown(ReadOnlySpan<char> option) => option.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
        || option.Equals("close", StringComparison.OrdinalIgnoreCase) || option.Equals("upgrade", StringComparison.OrdinalIgnoreCase);

    // Kestrel decodes with Encoding.GetString(ReadOnlySpan<byte>), whose base implementation comes down to these two
    // array overloads (so no unsafe code here).

    /// <inheritdoc/>
    public override int GetCharCount(byte[] bytes, int index, int count) => Mark(bytes.AsSpan(index, count)).Length;

    /// <inheritdoc/>
    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        var marked = Mark(bytes.AsSpan(byteIndex, byteCount));
        marked.CopyTo(chars.AsSpan(charIndex));
        return marked.Length;
    }

    /// <inheritdoc/>
    public override int GetByteCount(char[] chars, int index, int count) => Utf8.GetByteCount(chars, index, count);

    /// <inheritdoc/>
    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        Utf8.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    /// <inheritdoc/>
    public override int GetMaxByteCount(int charCount) => Utf8.GetMaxByteCount(charCount);

    /// <inheritdoc/>
    public override int GetMaxCharCount(int byteCount) => (2 * Utf8.GetMaxCharCount(byteCount)) + 1;

    /// <inheritdoc/>
    public override bool Equals(object? value) => ReferenceEquals(this, value);

    /// <inheritdoc/>
    public override int GetHashCode() => nameof(ConnectionFieldEncoding).GetHashCode(StringComparison.Ordinal);

    // Not on a hot path: clients that send Connection at all are few, and this runs once per line.
    private static string Mark(ReadOnlySpan<byte> bytes)
    {
        var text = Utf8.GetString(bytes);
        var builder = new StringBuilder(text.Length + 4);
        var first = true;
        foreach (var range in text.AsSpan().Split(','))
        {
            var option = text.AsSpan(range);
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            // A client's own '~' is doubled, so a mark is never confused with what the client sent.
            var trimmed = option.Trim(" \t");
            if (IsKnown(trimmed) || trimmed.StartsWith('~'))
            {
                builder.Append('~').Append(trimmed);
            }
            else
            {
                builder.Append(option);
            }
        }

        return builder.ToString();
    }
}
