using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FastGateway.Users;

/// <summary>
/// Password hashing with PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) through .NET's
/// <see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>.
/// Stored as <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>, so the
/// iteration count can rise later without breaking existing hashes.
/// </summary>
internal static class PasswordHasher
{
    /// <summary>Iterations for new hashes: OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int Iterations = 600_000;

    private const string Prefix = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified against when a username is unknown, so the time taken does not reveal which users exist.
    private static readonly string DummyHash = Hash("not a real password");

    /// <summary>Hashes a password with a fresh random salt.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Prefix, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>
    /// <see cref="Hash"/> on the thread pool: its PBKDF2 run takes a few hundred milliseconds of CPU, which must not
    /// hold a socket thread (with <c>Proxy:InlineScheduling</c>, request code runs on one).
    /// </summary>
    public static Task<string> HashAsync(string password) => Task.Run(() => Hash(password));

    /// <summary>Checks a password in constant time. Callers go through <c>Throttling.HashingGate</c>, which runs it on a
    /// hashing thread of its own, never on a socket or thread-pool thread.</summary>
    /// <param name="storedHash">The stored hash, or null when the user is unknown (the work is done anyway).</param>
    /// <param name="password">The password presented.</param>
    /// <returns>true only when <paramref name="storedHash"/> is a valid hash of <paramref name="password"/>.</returns>
    public static bool Verify(string? storedHash, string password)
    {
        var parts = (storedHash ?? DummyHash).Split('$');
        if (parts.Length != 4 || parts[0] != Prefix
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && storedHash is not null;
    }
}
