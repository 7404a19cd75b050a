using System.Text.Json.Serialization;

namespace FastGateway.Contracts.Admin;

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
public sealed record ClientMetadataRequest(
    string? ClientId,
    string? ClientName,
    string? Scope,
    IReadOnlyList<string>? GrantTypes,
    IReadOnlyList<string>? RedirectUris,
    string? TokenEndpointAuthMethod,
    int? AccessTokenLifetime,
    int? RefreshLimit)
{
    /// <summary>Per-client quota on the protected APIs (<see cref="Admin.RateLimit"/>); absent or null = unlimited.</summary>
    [JsonPropertyName("rate_limit")]
    public RateLimit? RateLimit { get; init; }
}

/// <summary>
/// A client as the admin API shows it (RFC 7591 section 3.2.1 client information response).
/// <c>client_secret</c> is present only in the response that created it. <c>client_type</c> is read-only,
/// derived from <c>token_endpoint_auth_method</c> (RFC 6749 section 2.1: "public" for none, else "confidential").
/// <c>suspended</c>: the client's tokens are refused and it gets no new ones (set with PATCH).
/// </summary>
/// <param name="ClientId">The client identifier.</param>
/// <param name="ClientSecret">The client secret; only in the response that created it.</param>
/// <param name="ClientIdIssuedAt">When the client_id was issued, Unix seconds.</param>
/// <param name="ClientSecretExpiresAt">0 (the secret does not expire) alongside a new <c>client_secret</c>; else absent.</param>
/// <param name="ClientName">Display name.</param>
/// <param name="Scope">Allowed scopes, space-separated.</param>
/// <param name="GrantTypes">Allowed grant types.</param>
/// <param name="RedirectUris">Redirection URIs.</param>
/// <param name="TokenEndpointAuthMethod">client_secret_basic, client_secret_post or none (public client).</param>
/// <param name="AccessTokenLifetime">Seconds; -1 = never expires; absent = server default.</param>
/// <param name="RefreshLimit">Times a refresh token may be used; 0 = none issued.</param>
/// <param name="ClientType">"confidential" or "public" (read-only, from token_endpoint_auth_method).</param>
/// <param name="Suspended">true when the client is suspended.</param>
public sealed record ClientInformationResponse(
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
    string ClientType,
    bool Suspended)
{
    /// <summary>Per-client quota on the protected APIs; absent = unlimited.</summary>
    [JsonPropertyName("rate_limit")]
    public RateLimit? RateLimit { get; init; }
}

/// <summary>
/// Body of <c>PATCH /admin/v1/clients/{client_id}</c>: the RFC 7591 fields to change (absent = unchanged), checked
/// with the same rules as registration, plus <c>suspended</c> (true = suspend, false = resume). client_id cannot
/// change; unknown fields are refused.
/// </summary>
/// <param name="ClientName">Display name.</param>
/// <param name="Scope">Allowed scopes, space-separated.</param>
/// <param name="GrantTypes">Allowed grant types.</param>
/// <param name="RedirectUris">Redirection URIs (absolute, no fragment).</param>
/// <param name="TokenEndpointAuthMethod">
/// client_secret_basic, client_secret_post or none. Changing to none drops the secret; changing a public client to
/// a secret method generates one, returned once in the response's <c>client_secret</c>.
/// </param>
/// <param name="AccessTokenLifetime">Seconds; -1 = never expires.</param>
/// <param name="RefreshLimit">Times a refresh token may be used; 0 = none issued.</param>
/// <param name="Suspended">true suspends the client (its tokens stop working at once, no new ones); false resumes it.</param>
public sealed record ClientPatchRequest(
    string? ClientName,
    string? Scope,
    IReadOnlyList<string>? GrantTypes,
    IReadOnlyList<string>? RedirectUris,
    string? TokenEndpointAuthMethod,
    int? AccessTokenLifetime,
    int? RefreshLimit,
    bool? Suspended)
{
    /// <summary>
    /// The new per-client quota; JSON <c>null</c> removes it (unlimited), absent leaves it unchanged
    /// (<see cref="RateLimitSpecified"/> tells the two apart).
    /// </summary>
    /// <remarks>
    /// A <c>set</c> accessor, not <c>init</c>: System.Text.Json's source generator calls an init accessor of a type with a
    /// constructor for every member, present or not (null when absent), so only a setter tells absent from <c>null</c>.
    /// </remarks>
    [JsonPropertyName("rate_limit")]
    public RateLimit? RateLimit
    {
        get;
        set
        {
            field = value;
            RateLimitSpecified = true;
        }
    }

    /// <summary>Whether <c>rate_limit</c> was in the body (or set), <c>null</c> included: the PATCH changes it.</summary>
    [JsonIgnore]
    public bool RateLimitSpecified { get; private set; }
}

/// <summary>A page of <c>GET /admin/v1/clients</c>, ordered by client_id; never secrets.</summary>
/// <param name="Clients">The clients of this page.</param>
/// <param name="NextCursor">Pass as <c>?cursor=</c> for the next page; null on the last page.</param>
public sealed record ClientListResponse(
    IReadOnlyList<ClientInformationResponse> Clients,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
