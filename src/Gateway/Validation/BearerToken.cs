using System.Buffers;

namespace FastGateway.Validation;

/// <summary>Result of reading an <c>Authorization</c> header for a bearer token.</summary>
internal enum BearerParseStatus : byte
{
    /// <summary>No bearer credentials (absent, or another scheme): RFC 6750 section 3.1 answers 401 without an error code.</summary>
    NotBearer,
    /// <summary>The Bearer scheme with a value that is not a b64token: answered as <c>invalid_token</c>.</summary>
    Malformed,
    /// <summary>A syntactically valid token.</summary>
    Ok,
}

/// <summary>Reads RFC 6750 section 2.1 bearer credentials without allocating.</summary>
internal static class BearerToken
{
    // RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    private static readonly SearchValues<char> B64TokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    /// <summary>Extracts the token from <c>Bearer &lt;b64token&gt;</c> (scheme case-insensitive, RFC 9110 section 11.1).</summary>
    /// <param name="header">The header value.</param>
    /// <param name="token">The token chars, a slice of <paramref name="header"/>.</param>
    public static BearerParseStatus TryParse(ReadOnlySpan<char> header, out ReadOnlySpan<char> token)
    {
        token = default;
        const int SchemeLength = 6; // "Bearer"
        if (header.Length <= SchemeLength || !header[..SchemeLength].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || header[SchemeLength] != ' ')
        {
            return BearerParseStatus.NotBearer;
        }

        var value = header[(SchemeLength + 1)..].Trim(' ');
        var end = value.Length;
        while (end > 0 && value[end - 1] == '=')
        {
            end--;
        }

        if (end == 0 || value[..end].ContainsAnyExcept(B64TokenChars))
        {
            return BearerParseStatus.Malformed;
        }

        token = value;
        return BearerParseStatus.Ok;
    }
}
