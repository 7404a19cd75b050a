namespace FastGateway.Authorize;

/// <summary>
/// Whether a <c>redirect_uri</c> is one the client registered: exact string comparison (RFC 6749 section 3.1.2.3,
/// RFC 9700 section 2.1), except that a loopback IP redirect URI matches on any port (RFC 8252 section 7.3).
/// </summary>
/// <remarks>
/// Loopback means <c>http://127.0.0.1</c> or <c>http://[::1]</c>, spelled exactly so: a native app listens on a port
/// the operating system picks, so the port cannot be registered. Everything other than the port (scheme, host, path,
/// query) still compares exactly. <c>localhost</c> is not loopback here: RFC 8252 section 8.3 advises against it (it
/// can resolve elsewhere), so a <c>localhost</c> redirect URI must match exactly, port included.
/// </remarks>
internal static class RedirectUriMatching
{
    private static readonly string[] LoopbackOrigins = ["http://127.0.0.1", "http://[::1]"];

    /// <summary>Whether <paramref name="requested"/> matches one of <paramref name="registered"/> (see the type).</summary>
    public static bool IsRegistered(IReadOnlyList<string> registered, string requested)
    {
        var loopback = TrySplitLoopback(requested, out var origin, out var rest);
        foreach (var candidate in registered)
        {
            if (string.Equals(candidate, requested, StringComparison.Ordinal))
            {
                return true;
            }

            if (loopback && TrySplitLoopback(candidate, out var candidateOrigin, out var candidateRest)
                && candidateOrigin == origin && rest.SequenceEqual(candidateRest))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Splits a loopback IP redirect URI into its origin without the port (an index into <see cref="LoopbackOrigins"/>)
    /// and what follows the port (path, query); false for any other URI.
    /// </summary>
    internal static bool TrySplitLoopback(string uri, out int origin, out ReadOnlySpan<char> rest)
    {
        rest = default;
        for (origin = 0; origin < LoopbackOrigins.Length; origin++)
        {
            var prefix = LoopbackOrigins[origin];
            if (!uri.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var tail = uri.AsSpan(prefix.Length);
            if (tail.Length > 0 && tail[0] == ':')
            {
                // RFC 3986 port: digits only; at most 5 and at most 65535, so "127.0.0.1:80.evil" is not loopback.
                var digits = 1;
                while (digits < tail.Length && char.IsAsciiDigit(tail[digits]))
                {
                    digits++;
                }

                if (digits == 1 || digits > 6 || !int.TryParse(tail[1..digits], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
                {
                    return false;
                }

                tail = tail[digits..];
            }

            // The authority must end here: "http://127.0.0.1.evil.example/" is not loopback.
            if (tail.Length > 0 && tail[0] is not ('/' or '?'))
            {
                return false;
            }

            rest = tail;
            return true;
        }

        origin = -1;
        return false;
    }
}
