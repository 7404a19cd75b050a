using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace FastGateway.TokenStore;

/// <summary>
/// The store key for a token: SHA-256 of its ASCII text (32 bytes). The token itself is never stored.
/// </summary>
/// <remarks>
/// A plain (unsalted, fast) hash is enough because tokens carry 256 bits from a CSPRNG: nobody can
/// brute-force a preimage, and a stolen store yields no usable token. Lookups compare hashes, so the
/// time a lookup takes says nothing about the token an attacker sent.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct TokenHash : IEquatable<TokenHash>, IComparable<TokenHash>
{
    /// <summary>Longest token text accepted for hashing, in chars; ours are 43.</summary>
    public const int MaxTokenLength = 256;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private TokenHash(ReadOnlySpan<byte> sha256)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(sha256);
        _a = words[0];
        _b = words[1];
        _c = words[2];
        _d = words[3];
    }

    /// <summary>
    /// Hashes a token's text without allocating.
    /// </summary>
    /// <param name="token">The token as received (base64url chars).</param>
    /// <param name="hash">The key to look up.</param>
    /// <returns>false when the text is empty, longer than <see cref="MaxTokenLength"/> or not ASCII: no token of ours looks like that.</returns>
    public static bool TryCompute(ReadOnlySpan<char> token, out TokenHash hash)
    {
        if (token.IsEmpty || token.Length > MaxTokenLength || !Ascii.IsValid(token))
        {
            hash = default;
            return false;
        }

        // 256 chars fit the stackalloc budget; ASCII narrowing is 1 char -> 1 byte.
        Span<byte> ascii = stackalloc byte[MaxTokenLength];
        var length = Ascii.FromUtf16(token, ascii, out var written) == OperationStatus.Done ? written : 0;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(ascii[..length]);
        sha256.GetHashAndReset(digest);
        hash = new TokenHash(digest);
        return true;
    }

    // One SHA-256 context per thread, reset after each use: SHA256.HashData creates and frees an OpenSSL context per
    // call, 17% of the hash's time (341 -> 283 ns for a 43-char token, BenchmarkDotNet, 2026-11-22).
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>
    /// The key of a grant lineage's <see cref="TokenKind.Family"/> record: the family id's 128 random bits, then the
    /// fixed 128-bit tag "family:" + 9 zero bytes (ASCII, little-endian words). No hash: the id is already uniform for
    /// FASTER's index, and a token's key could only equal it if SHA-256 of the token ended in the tag (2^-128).
    /// </summary>
    /// <remarks>
    /// This is on the validation path of every user token (<see cref="FasterTokenStore.IsGrantFamilyActive"/>): a second
    /// SHA-256 there cost about 420 ns of a 1 µs validation (perf/RESULTS.md).
    /// </remarks>
    public static TokenHash ForFamily(FamilyId family) => new(family.High, family.Low, FamilyTagC, FamilyTagD);

    // "family:\0" and eight zero bytes, read as little-endian 64-bit words.
    private const ulong FamilyTagC = 0x003A796C696D6166UL;
    private const ulong FamilyTagD = 0UL;

    private TokenHash(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>A 64-bit hash for FASTER's index: the digest's first word is already uniform.</summary>
    public long GetHashCode64() => (long)_a;

    /// <summary>
    /// A short, stable, non-secret identifier for a token: the first 16 hex digits of its hash.
    /// Safe to log and to show operators; it cannot be turned back into the token.
    /// </summary>
    public string ToTokenId() => _a.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Length of <see cref="ToKeyId"/>: 32 bytes in unpadded base64url.</summary>
    public const int KeyIdLength = 43;

    /// <summary>
    /// The operator-facing <c>token_id</c> of the admin API: the full 32-byte key in unpadded base64url (43 chars).
    /// Not secret (SHA-256 cannot be inverted to the 256-bit token), and it maps back to the key for an O(1)
    /// lookup (<see cref="TryParseKeyId"/>).
    /// </summary>
    public string ToKeyId()
    {
        Span<byte> bytes = stackalloc byte[32];
        MemoryMarshal.Write(bytes, in this);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>Parses a <see cref="ToKeyId"/> value back to the key.</summary>
    /// <returns>false when <paramref name="keyId"/> is not 43 base64url chars.</returns>
    public static bool TryParseKeyId(ReadOnlySpan<char> keyId, out TokenHash hash)
    {
        Span<byte> bytes = stackalloc byte[33];
        if (keyId.Length != KeyIdLength
            || System.Buffers.Text.Base64Url.DecodeFromChars(keyId, bytes, out var consumed, out var written) != OperationStatus.Done
            || consumed != KeyIdLength || written != 32)
        {
            hash = default;
            return false;
        }

        hash = new TokenHash(bytes[..32]);
        return true;
    }

    /// <summary>A total order over keys (by their 64-bit words): the admin API's stable paging order.</summary>
    public int CompareTo(TokenHash other)
    {
        var c = _a.CompareTo(other._a);
        if (c == 0)
        {
            c = _b.CompareTo(other._b);
        }

        if (c == 0)
        {
            c = _c.CompareTo(other._c);
        }

        return c != 0 ? c : _d.CompareTo(other._d);
    }

    /// <inheritdoc/>
    public bool Equals(TokenHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TokenHash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)_a;
}
