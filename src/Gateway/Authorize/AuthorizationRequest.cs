namespace FastGateway.Authorize;

/// <summary>
/// A validated authorization request (RFC 6749 sections 4.1.1 and 4.2.1, RFC 7636 section 4.3),
/// carried between the sign-in and consent steps inside a Data Protection payload (never in a
/// server session), so any gateway node with the same keys can continue it. Made by
/// <see cref="AuthorizationRequestValidator"/>, protected by <see cref="AuthorizationStepProtector"/>.
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

    /// <summary>When this step began, Unix seconds; the step expires <see cref="AuthorizeEndpoint.StepLifetime"/> later.</summary>
    public long IssuedAt { get; init; }

    /// <summary>
    /// Names one sign-in or consent step: a step that succeeded is recorded in <see cref="ConsumedSteps"/> and cannot
    /// succeed again (a form posted twice gets an error page, not a second code). Empty until the step is protected.
    /// </summary>
    public Guid StepId { get; init; }

    /// <summary>
    /// The browser that began the flow: base64url SHA-256 of its <see cref="BrowserBinding"/> cookie. A step posted
    /// from a browser without that cookie is refused. Null until the step is protected.
    /// </summary>
    public string? BrowserBinding { get; init; }
}
