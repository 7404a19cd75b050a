namespace FastGateway.Authorize;

/// <summary>
/// A validated authorization request (RFC 6749 sections 4.1.1 and 4.2.1, RFC 7636 section 4.3),
/// carried between the sign-in and consent steps inside a Data Protection payload (never in a
/// server session), so any gateway node with the same keys can continue it.
/// </summary>
internal sealed record AuthorizationRequest
{
    /// <summary>The client_id.</summary>
    public required string ClientId { get; init; }

    /// <summary>The redirect_uri exactly as sent, or null when the request omitted it (the code binds to this, RFC 6749 section 4.1.3).</summary>
    public string? RedirectUri { get; init; }

    /// <summary>Where the response goes: <see cref="RedirectUri"/>, or the client's only registered URI.</summary>
    public required string EffectiveRedirectUri { get; init; }

    /// <summary><c>code</c> or <c>token</c>.</summary>
    public required string ResponseType { get; init; }

    /// <summary>Requested scopes as a mask over the generated scope table (already checked against the client's allowance).</summary>
    public ulong Scopes { get; init; }

    /// <summary>The client's opaque <c>state</c>, echoed on every redirect.</summary>
    public string? State { get; init; }

    /// <summary>RFC 7636 code_challenge, or null.</summary>
    public string? CodeChallenge { get; init; }

    /// <summary>RFC 7636 code_challenge_method as sent, or null.</summary>
    public string? CodeChallengeMethod { get; init; }

    /// <summary>The resource owner who signed in; null until the sign-in step succeeds.</summary>
    public string? Username { get; init; }

    /// <summary>When this step's payload was made, Unix seconds (the protector also enforces an expiry).</summary>
    public long IssuedAt { get; init; }
}
