namespace FastGateway.Clients;

/// <summary>
/// Which redirection URIs a client may register (RFC 6749 section 3.1.2, RFC 8252 sections 7.1 and 7.3,
/// OAuth 2.0 Security BCP RFC 9700 section 4.1): https; plain http only on a loopback host (127.0.0.1, [::1],
/// localhost) for native apps; or a private-use scheme in reverse-domain form, i.e. containing a dot
/// (<c>com.example.app:/cb</c>). Never a fragment. Everything else is refused, among them <c>javascript:</c>,
/// <c>data:</c>, <c>file:</c> and <c>vbscript:</c> (script or local-file execution in the browser) and plain http to
/// any other host (the code would cross the network in clear text).
/// </summary>
internal static class RedirectUriPolicy
{
    /// <summary>Checks one redirection URI.</summary>
    /// <param name="uri">The URI as registered.</param>
    /// <param name="problem">Why it is refused; "" when accepted.</param>
    /// <returns>Whether the URI may be registered.</returns>
    public static bool IsAllowed(string uri, out string problem)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || uri.Contains('#', StringComparison.Ordinal))
        {
            problem = $"redirect URI '{uri}' must be absolute and without a fragment (RFC 6749 section 3.1.2)";
            return false;
        }

        var scheme = parsed.Scheme;
        var allowed = scheme switch
        {
            "https" => parsed.Host.Length != 0,
            "http" => parsed.Host is "127.0.0.1" or "[::1]" or "localhost",
            // RFC 8252 section 7.1: private-use schemes are reverse domain names, so they contain a period. That rule
            // alone also shuts out javascript:, data:, file:, vbscript: and the other dotless browser schemes.
            _ => scheme.Contains('.', StringComparison.Ordinal),
        };
        problem = allowed
            ? ""
            : $"redirect URI '{uri}' is not allowed: use https, http only on 127.0.0.1, [::1] or localhost (RFC 8252 section 7.3), or a private-use scheme with a dot such as com.example.app:/cb (RFC 8252 section 7.1)";
        return allowed;
    }
}
