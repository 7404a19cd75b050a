using System.Buffers;

namespace FastGateway.Proxy;

/// <summary>
/// RFC 9110's character classes, once for request text (chars, as Kestrel decoded it) and once for upstream response
/// bytes, so the request and response sides hold fields to the same grammar.
/// </summary>
internal static class HttpCharacters
{
    private const string Token = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // CTL but HTAB, and DEL.
    private const string NotInFieldValue =
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F";

    /// <summary>tchar (RFC 9110 section 5.6.2): what a field name or a method may hold.</summary>
    public static readonly SearchValues<char> TokenChars = SearchValues.Create(Token);

    /// <summary><see cref="TokenChars"/> as bytes.</summary>
    public static readonly SearchValues<byte> TokenBytes = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(Token));

    /// <summary>What a field value (or a reason phrase) may not hold: controls but HTAB, and DEL (RFC 9110 section 5.5).
    /// obs-text is allowed.</summary>
    public static readonly SearchValues<char> FieldValueControls = SearchValues.Create(NotInFieldValue);

    /// <summary><see cref="FieldValueControls"/> as bytes.</summary>
    public static readonly SearchValues<byte> FieldValueControlBytes = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(NotInFieldValue));
}
