namespace FastGateway.OAuth;

/// <summary>
/// Successful token response, RFC 6749 section 5.1, plus Apigee's <c>issued_at</c> and <c>client_id</c>.
/// </summary>
/// <param name="AccessToken">The opaque access token.</param>
/// <param name="TokenType">Always "Bearer" (RFC 6750).</param>
/// <param name="ExpiresIn">Lifetime in seconds; omitted for tokens that never expire.</param>
/// <param name="Scope">Granted scopes, space-separated (always sent, even when equal to the request).</param>
/// <param name="IssuedAt">Issue time, Unix seconds.</param>
/// <param name="ClientId">The client the token was issued to.</param>
/// <param name="RefreshToken">The refresh token (RFC 6749 sections 1.5 and 6), when one was issued; omitted otherwise.</param>
internal sealed record TokenResponse(string AccessToken, string TokenType, long? ExpiresIn, string Scope, long IssuedAt, string ClientId, string? RefreshToken = null);
