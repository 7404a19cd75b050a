using FastGateway.Errors;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// Outcome of one grant at the token endpoint: the tokens (RFC 6749 section 5.1) or an error that
/// <see cref="TokenEndpoint"/> answers as 400 JSON (RFC 6749 section 5.2).
/// </summary>
/// <param name="Tokens">The token response on success.</param>
/// <param name="Error">An <see cref="ErrorCodes"/> value on failure.</param>
/// <param name="Description">What was wrong, on failure (sent as <c>error_description</c>).</param>
/// <param name="Refusal">Set when a throttle refused the attempt before it ran (429/503 with <c>Retry-After</c>).</param>
internal readonly record struct GrantResult(TokenResponse? Tokens, string? Error, string? Description, Throttling.ThrottleRefusal? Refusal = null)
{
    /// <summary>Refused by a throttle (failure limit, lockout, hashing queue full).</summary>
    public static GrantResult Throttled(Throttling.ThrottleRefusal refusal) => new(null, refusal.Error, refusal.Description, refusal);

    /// <summary>Success.</summary>
    public static GrantResult Success(TokenResponse tokens) => new(tokens, null, null);

    /// <summary>Failure with an RFC 6749 section 5.2 error code.</summary>
    public static GrantResult Fail(string error, string description) => new(null, error, description);

    /// <summary><c>invalid_grant</c>: the code, credentials or refresh token are invalid, expired, revoked or not this client's.</summary>
    public static GrantResult InvalidGrant(string description) => Fail(ErrorCodes.InvalidGrant, description);
}
