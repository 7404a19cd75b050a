using System.Text.Json.Serialization;

namespace FastGateway.Contracts.Admin;

/// <summary>
/// Body of <c>POST /admin/v1/clients</c>: RFC 7591 section 2 client metadata plus FastGateway's
/// <c>access_token_lifetime</c>, <c>refresh_limit</c>, <c>introspection</c>, and <c>client_secret</c> for importing
/// existing credentials. Unknown fields are refused.
/// </summary>
/// <param name="ClientId">Optional client_id to use (1-64 of A-Z a-z 0-9 . _ ~ -); generated when absent.</param>
/// <param name="ClientName">Display name.</param>
/// <param name="Scope">Allowed scopes, space-separated; default: every scope.</param>
/// <param name="GrantTypes">Allowed grant types; default <c>["client_credentials"]</c>.</param>
/// <param name="RedirectUris">Redirection URIs: https, http on a loopback host (127.0.0.1, [::1], localhost), or a private-use scheme with a dot (RFC 8252 section 7.1, e.g. com.example.app:/cb); no fragment.</param>
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

    /// <summary>
    /// An operator-chosen client secret, to import an existing application's credentials unchanged (an Apigee
    /// consumer secret, a webMethods client secret): 16-512 characters, no control characters. Absent: one is
    /// generated. Refused for a public client. Stored only as a SHA-256 hash; echoed once in the response.
    /// </summary>
    public string? ClientSecret { get; init; }

    /// <summary>RFC 7591 <c>client_secret_expires_at</c>: when the secret stops working, Unix seconds; 0 or absent = never.</summary>
    public long? ClientSecretExpiresAt { get; init; }

    /// <summary>
    /// RFC 7591 <c>response_types</c>: <c>code</c> and/or <c>token</c>; each must match <c>grant_types</c>
    /// (section 2.1: code needs authorization_code, token needs implicit). Absent: derived from grant_types.
    /// </summary>
    public IReadOnlyList<string>? ResponseTypes { get; init; }

    /// <summary>RFC 7591 <c>client_uri</c>: the client's home page (absolute http(s) URL).</summary>
    public string? ClientUri { get; init; }

    /// <summary>RFC 7591 <c>logo_uri</c>: the client's logo (absolute http(s) URL).</summary>
    public string? LogoUri { get; init; }

    /// <summary>RFC 7591 <c>contacts</c>: ways to reach the people responsible, usually e-mail addresses.</summary>
    public IReadOnlyList<string>? Contacts { get; init; }

    /// <summary>RFC 7591 <c>tos_uri</c>: the client's terms of service (absolute http(s) URL).</summary>
    public string? TosUri { get; init; }

    /// <summary>RFC 7591 <c>policy_uri</c>: the client's privacy policy (absolute http(s) URL).</summary>
    public string? PolicyUri { get; init; }

    /// <summary>RFC 7591 <c>jwks_uri</c>: the client's JSON Web Key Set (absolute https URL); stored and shown, not used.</summary>
    public string? JwksUri { get; init; }

    /// <summary>RFC 7591 <c>software_id</c>: identifies the client software across its instances.</summary>
    public string? SoftwareId { get; init; }

    /// <summary>RFC 7591 <c>software_version</c>: the version of that software.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>
    /// Permission to call the introspection endpoint (RFC 7662 section 2.1), as a resource server or a
    /// Microgateway's client needs; default false: such a client gets 403 <c>unauthorized_client</c> there.
    /// </summary>
    public bool? Introspection { get; init; }
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
/// <param name="ClientSecretExpiresAt">When the secret expires, Unix seconds, 0 = never (RFC 7591 section 3.2.1): alongside a new <c>client_secret</c>, and whenever it is not 0; else absent.</param>
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

    /// <summary>RFC 7591 <c>response_types</c>.</summary>
    public IReadOnlyList<string>? ResponseTypes { get; init; }

    /// <summary>RFC 7591 <c>client_uri</c>.</summary>
    public string? ClientUri { get; init; }

    /// <summary>RFC 7591 <c>logo_uri</c>.</summary>
    public string? LogoUri { get; init; }

    /// <summary>RFC 7591 <c>contacts</c>.</summary>
    public IReadOnlyList<string>? Contacts { get; init; }

    /// <summary>RFC 7591 <c>tos_uri</c>.</summary>
    public string? TosUri { get; init; }

    /// <summary>RFC 7591 <c>policy_uri</c>.</summary>
    public string? PolicyUri { get; init; }

    /// <summary>RFC 7591 <c>jwks_uri</c>.</summary>
    public string? JwksUri { get; init; }

    /// <summary>RFC 7591 <c>software_id</c>.</summary>
    public string? SoftwareId { get; init; }

    /// <summary>RFC 7591 <c>software_version</c>.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>Whether the client may call the introspection endpoint (RFC 7662 section 2.1).</summary>
    public bool Introspection { get; init; }

    /// <summary>
    /// After a rotation with <c>grace_seconds</c>: when the previous secret stops working, Unix seconds; absent when
    /// no previous secret is valid.
    /// </summary>
    public long? PreviousClientSecretExpiresAt { get; init; }
}

/// <summary>
/// Body of <c>PATCH /admin/v1/clients/{client_id}</c>: the RFC 7591 fields to change (absent = unchanged), checked
/// with the same rules as registration, plus <c>suspended</c> (true = suspend, false = resume). client_id cannot
/// change; unknown fields are refused.
/// </summary>
/// <param name="ClientName">Display name.</param>
/// <param name="Scope">Allowed scopes, space-separated.</param>
/// <param name="GrantTypes">Allowed grant types.</param>
/// <param name="RedirectUris">Redirection URIs: https, http on a loopback host (127.0.0.1, [::1], localhost), or a private-use scheme with a dot (RFC 8252 section 7.1, e.g. com.example.app:/cb); no fragment.</param>
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

    /// <summary>RFC 7591 <c>response_types</c> (checked against grant_types).</summary>
    public IReadOnlyList<string>? ResponseTypes { get; init; }

    /// <summary>RFC 7591 <c>client_uri</c>; "" removes it.</summary>
    public string? ClientUri { get; init; }

    /// <summary>RFC 7591 <c>logo_uri</c>; "" removes it.</summary>
    public string? LogoUri { get; init; }

    /// <summary>RFC 7591 <c>contacts</c>; [] removes them.</summary>
    public IReadOnlyList<string>? Contacts { get; init; }

    /// <summary>RFC 7591 <c>tos_uri</c>; "" removes it.</summary>
    public string? TosUri { get; init; }

    /// <summary>RFC 7591 <c>policy_uri</c>; "" removes it.</summary>
    public string? PolicyUri { get; init; }

    /// <summary>RFC 7591 <c>jwks_uri</c>; "" removes it.</summary>
    public string? JwksUri { get; init; }

    /// <summary>RFC 7591 <c>software_id</c>; "" removes it.</summary>
    public string? SoftwareId { get; init; }

    /// <summary>RFC 7591 <c>software_version</c>; "" removes it.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>true lets the client call the introspection endpoint (RFC 7662); false takes the permission away.</summary>
    public bool? Introspection { get; init; }
}

/// <summary>A page of <c>GET /admin/v1/clients</c>, ordered by client_id; never secrets.</summary>
/// <param name="Clients">The clients of this page.</param>
/// <param name="NextCursor">Pass as <c>?cursor=</c> for the next page; null on the last page.</param>
public sealed record ClientListResponse(
    IReadOnlyList<ClientInformationResponse> Clients,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
