using System.Buffers.Text;
using System.Security.Cryptography;

namespace FastGateway.OAuth;

/// <summary>Opaque token values.</summary>
internal static class AccessTokens
{
    /// <summary>Random bytes per token: 256 bits from the OS CSPRNG (RFC 6749 section 10.10 asks for unguessable values).</summary>
    public const int EntropyBytes = 32;

    /// <summary>A new token: <see cref="EntropyBytes"/> random bytes, base64url without padding (43 chars).</summary>
    public static string Generate()
    {
        Span<byte> random = stackalloc byte[EntropyBytes];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }
}
