namespace FastGateway.OAuth;

/// <summary>
/// Introspection response, RFC 7662 section 2.2. An inactive token is <c>{"active":false}</c> and nothing
/// else (section 2.2: no further information about why it is inactive).
/// </summary>
/// <param name="Active">Whether the token is active: known, not expired, not revoked or consumed, its grant lineage not revoked.</param>
/// <param name="Scope">Granted scopes, space-separated, in the current scope table.</param>
/// <param name="ClientId">The client the token was issued to.</param>
/// <param name="Username">The resource owner, when there is one (omitted for client-credentials tokens).</param>
/// <param name="TokenType"><c>Bearer</c> for access tokens, <c>refresh_token</c> for refresh tokens.</param>
/// <param name="Exp">Expiry, Unix seconds; omitted for tokens that never expire.</param>
/// <param name="Iat">Issue time, Unix seconds.</param>
/// <param name="Sub">The resource owner, else the client_id (the subject of a client-credentials token is the client).</param>
internal sealed record IntrospectionResponse(
    bool Active,
    string? Scope = null,
    string? ClientId = null,
    string? Username = null,
    string? TokenType = null,
    long? Exp = null,
    long? Iat = null,
    string? Sub = null)
{
    /// <summary>The one inactive answer.</summary>
    public static IntrospectionResponse Inactive { get; } = new(false);
}
