using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FastGateway.TokenStore;

/// <summary>
/// Identifies a grant lineage: the tokens from one authorization code or password grant and every
/// refresh after it. 128 random bits; all zero means none.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct FamilyId(ulong High, ulong Low)
{
    /// <summary>No family (client-credentials tokens).</summary>
    public static FamilyId None => default;

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => High == 0 && Low == 0;

    /// <summary>A new random id from the OS CSPRNG.</summary>
    public static FamilyId New()
    {
        Span<ulong> words = stackalloc ulong[2];
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(words));
        return new FamilyId(words[0], words[1] | 1); // never all zero
    }
}

/// <summary>A 32-byte value (SHA-256 digest or PKCE S256 challenge), fixed-size for the token record.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct Sha256Value(ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>Wraps 32 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public static Sha256Value From(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("expected 32 bytes", nameof(bytes));
        }

        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        return new Sha256Value(words[0], words[1], words[2], words[3]);
    }

    /// <summary>SHA-256 of a string's UTF-8 bytes.</summary>
    public static Sha256Value Of(string text) => From(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Constant-time equality, for values derived from secrets (PKCE verifiers).</summary>
    public bool FixedTimeEquals(Sha256Value other)
    {
        var a = this;
        var b = other;
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(new ReadOnlySpan<Sha256Value>(in a)),
            MemoryMarshal.AsBytes(new ReadOnlySpan<Sha256Value>(in b)));
    }
}
