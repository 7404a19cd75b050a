namespace FastGateway.Admin;

/// <summary>
/// Body of <c>POST /admin/v1/clients</c>: RFC 7591 section 2 client metadata plus FastGateway's
/// <c>access_token_lifetime</c> and <c>refresh_limit</c>. Unknown fields are refused.
/// </summary>
/// <param name="ClientId">Optional client_id to use (1-64 of A-Z a-z 0-9 . _ ~ -); generated when absent.</param>
/// <param name="ClientName">Display name.</param>
/// <param name="Scope">Allowed scopes, space-separated; default: every scope.</param>
/// <param name="GrantTypes">Allowed grant types; default <c>["client_credentials"]</c>.</param>
/// <param name="RedirectUris">Redirection URIs (absolute, no fragment).</param>
/// <param name="TokenEndpointAuthMethod">client_secret_basic (default), client_secret_post or none (public client).</param>
/// <param name="AccessTokenLifetime">Seconds; -1 = never expires; absent = server default.</param>
/// <param name="RefreshLimit">Times a refresh token may be used; 0 (default) = none issued.</param>
internal sealed record ClientMetadataRequest(
    string? ClientId,
    string? ClientName,
    string? Scope,
    IReadOnlyList<string>? GrantTypes,
    IReadOnlyList<string>? RedirectUris,
    string? TokenEndpointAuthMethod,
    int? AccessTokenLifetime,
    int? RefreshLimit);

/// <summary>
/// A client as the admin API shows it (RFC 7591 section 3.2.1 client information response).
/// <c>client_secret</c> is present only in the response that created it. <c>client_type</c> is read-only,
/// derived from <c>token_endpoint_auth_method</c> (RFC 6749 section 2.1: "public" for none, else "confidential").
/// </summary>
internal sealed record ClientInformationResponse(
    string ClientId,
    string? ClientSecret,
    long ClientIdIssuedAt,
    long? ClientSecretExpiresAt,
    string? ClientName,
    string Scope,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> RedirectUris,
    string TokenEndpointAuthMethod,
    int? AccessTokenLifetime,
    int RefreshLimit,
    string ClientType)
{
    /// <summary>Builds the view of a stored client; pass the secret only when it was just created.</summary>
    public static ClientInformationResponse From(Clients.OAuthClient client, string? newSecret) => new(
        client.ClientId,
        newSecret,
        client.ClientIdIssuedAt,
        newSecret is null ? null : 0, // RFC 7591: 0 = the secret does not expire.
        client.ClientName,
        client.Scope,
        client.GrantTypes,
        client.RedirectUris,
        client.TokenEndpointAuthMethod,
        client.AccessTokenLifetime,
        client.RefreshLimit,
        client.IsConfidential ? "confidential" : "public");
}
