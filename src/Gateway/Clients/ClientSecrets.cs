using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FastGateway.Clients;

/// <summary>Generates, hashes and checks client secrets.</summary>
/// <remarks>
/// Secrets we generate carry 256 bits from a CSPRNG, so a fast hash (SHA-256) is enough: there is
/// no dictionary to brute-force, and the token endpoint stays cheap. Operator-chosen secrets
/// (<c>Bootstrap:Clients</c>) should be as long; the README says so. Imported secrets
/// (<c>client_secret</c> on <c>POST /admin/v1/clients</c>) must have at least <see cref="MinimumImportedLength"/>
/// characters: Apigee's consumer secrets have 16.
/// </remarks>
internal static class ClientSecrets
{
    /// <summary>Fewest characters of an operator-chosen secret (an Apigee consumer secret has 16).</summary>
    public const int MinimumImportedLength = 16;

    /// <summary>Most characters of an operator-chosen secret.</summary>
    public const int MaximumImportedLength = 512;

    /// <summary>A new secret: 32 random bytes, base64url (43 chars).</summary>
    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Base64 SHA-256 of a secret's UTF-8 bytes.</summary>
    public static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Checks a presented secret against a stored hash in constant time.</summary>
    /// <param name="storedHash">The stored hash, or null when the client is unknown (the work is done anyway so timing does not tell).</param>
    /// <param name="presented">The secret the caller sent.</param>
    public static bool Verify(string? storedHash, string presented)
    {
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        var known = storedHash is not null
            && Convert.TryFromBase64String(storedHash, expected, out var written)
            && written == SHA256.HashSizeInBytes;
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(actual, expected) && known;
    }

    /// <summary>
    /// Checks a presented secret against a client's current secret and, during a rotation's grace period, its
    /// previous one. Both comparisons run, each in constant time, whatever the outcome, so timing tells neither which
    /// secret matched nor whether the client exists.
    /// </summary>
    /// <param name="client">The client, or null when unknown.</param>
    /// <param name="presented">The secret the caller sent.</param>
    /// <param name="now">The current time, Unix seconds (secret expiry).</param>
    /// <returns>Whether an unexpired secret of the client matches.</returns>
    public static bool VerifyClient(OAuthClient? client, string presented, long now)
    {
        var confidential = client is { IsConfidential: true };
        var current = Verify(confidential ? client!.SecretHash : null, presented)
            && (client!.SecretExpiresAt == 0 || now < client.SecretExpiresAt);
        var previous = Verify(confidential ? client!.PreviousSecretHash : null, presented)
            && now < client!.PreviousSecretExpiresAt;
        return current | previous;
    }
}
