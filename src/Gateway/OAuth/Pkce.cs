using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FastGateway.TokenStore;

namespace FastGateway.OAuth;

/// <summary>Proof Key for Code Exchange, RFC 7636.</summary>
internal static class Pkce
{
    /// <summary>The S256 method name.</summary>
    public const string S256 = "S256";

    /// <summary>The plain method name (refused unless <c>OAuth:AllowPlainPkce</c>).</summary>
    public const string Plain = "plain";

    // RFC 7636 section 4.1: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~", 43 to 128 chars (verifier and plain challenge).
    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    /// <summary>Reads <c>code_challenge</c> and <c>code_challenge_method</c> from an authorization request (RFC 7636 section 4.3).</summary>
    /// <param name="challenge">The code_challenge, or null when absent.</param>
    /// <param name="method">code_challenge_method; absent means plain (RFC 7636 section 4.3).</param>
    /// <param name="allowPlain">Whether plain is accepted.</param>
    /// <param name="kind">The method, <see cref="CodeChallengeMethod.None"/> when no challenge was sent.</param>
    /// <param name="stored">The 32 bytes to store on the code.</param>
    /// <param name="problem">What is wrong, when false.</param>
    public static bool TryParseChallenge(string? challenge, string? method, bool allowPlain, out CodeChallengeMethod kind, out Sha256Value stored, out string problem)
    {
        kind = CodeChallengeMethod.None;
        stored = default;
        problem = "";
        if (string.IsNullOrEmpty(challenge))
        {
            if (!string.IsNullOrEmpty(method))
            {
                problem = "code_challenge_method without code_challenge";
                return false;
            }

            return true;
        }

        switch (method ?? Plain)
        {
            case S256:
                Span<byte> decoded = stackalloc byte[48];
                if (challenge.Length != 43 || Base64Url.DecodeFromChars(challenge, decoded, out _, out var written) != OperationStatus.Done || written != 32)
                {
                    problem = "code_challenge for S256 must be the base64url SHA-256 of the verifier (43 characters)";
                    return false;
                }

                kind = CodeChallengeMethod.S256;
                stored = Sha256Value.From(decoded[..32]);
                return true;
            case Plain when allowPlain:
                if (!IsVerifierSyntax(challenge))
                {
                    problem = "code_challenge must be 43-128 characters of A-Z a-z 0-9 - . _ ~";
                    return false;
                }

                kind = CodeChallengeMethod.Plain;
                stored = Sha256Value.Of(challenge);
                return true;
            case Plain:
                problem = "code_challenge_method plain is not allowed here; use S256";
                return false;
            default:
                problem = "unsupported code_challenge_method; use S256";
                return false;
        }
    }

    /// <summary>Checks a <c>code_verifier</c> against a code's stored challenge, in constant time (RFC 7636 section 4.6).</summary>
    public static bool Verify(CodeChallengeMethod kind, Sha256Value stored, string? verifier)
    {
        if (kind == CodeChallengeMethod.None || verifier is null || !IsVerifierSyntax(verifier))
        {
            return false;
        }

        // S256 stores SHA-256(verifier); plain stores SHA-256(challenge) with challenge = verifier: the same comparison.
        return Sha256Value.From(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).FixedTimeEquals(stored);
    }

    private static bool IsVerifierSyntax(string value) => value.Length is >= 43 and <= 128 && !value.AsSpan().ContainsAnyExcept(Unreserved);
}
