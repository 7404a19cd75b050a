using System.Text.Json.Serialization;

namespace FastGateway.Clients;

/// <summary>
/// A registered application (OAuth client, RFC 6749 section 2), as persisted. Field names follow
/// RFC 7591 client metadata. The secret is kept only as a hash.
/// </summary>
internal sealed record OAuthClient
{
    /// <summary>RFC 6749 section 2.2 client identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>RFC 7591 <c>client_name</c>.</summary>
    public string? ClientName { get; init; }

    /// <summary>Base64 SHA-256 of the client secret; empty for public clients (<c>token_endpoint_auth_method</c> = none).</summary>
    public required string SecretHash { get; init; }

    /// <summary>Allowed scopes, space-separated (RFC 7591 <c>scope</c>).</summary>
    /// <remarks>Setting it also sets <see cref="AllowedScopes"/>, so a <c>with</c> copy never keeps a stale mask.</remarks>
    public required string Scope
    {
        get;
        init
        {
            field = value;
            AllowedScopes = OAuth.ClientScopes.MaskOf(value);
        }
    }

    /// <summary>
    /// <see cref="Scope"/> as a mask over the current scope table (names no longer in <c>gateway.json</c> are ignored).
    /// Every token of the client is limited to it when used (validation, introspection, refresh), so narrowing a
    /// client's scope takes effect on its live grants at once, at the cost of one AND on the hot path.
    /// </summary>
    [JsonIgnore]
    public ulong AllowedScopes { get; private init; }

    /// <summary>RFC 7591 <c>grant_types</c> the client may use.</summary>
    public required IReadOnlyList<string> GrantTypes { get; init; }

    /// <summary>RFC 7591 <c>redirect_uris</c>, compared exactly.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>RFC 7591 <c>token_endpoint_auth_method</c>: client_secret_basic, client_secret_post or none.</summary>
    public required string TokenEndpointAuthMethod { get; init; }

    /// <summary>Access-token lifetime in seconds; -1 = never expires; null = the server default (<c>OAuth:AccessTokenLifetime</c>).</summary>
    public int? AccessTokenLifetime { get; init; }

    /// <summary>How many times a refresh token may be used; 0 = no refresh token (webMethods semantics).</summary>
    public int RefreshLimit { get; init; }

    /// <summary>
    /// RFC 7591 <c>client_id_issued_at</c>, Unix seconds. Tokens issued before it are not this client's
    /// (they belonged to an earlier, deleted client with the same client_id) and are refused.
    /// </summary>
    public long ClientIdIssuedAt { get; init; }

    /// <summary>
    /// Client metadata <c>rate_limit</c>: the client's quota on the protected APIs; null = unlimited. Setting it also
    /// sets a fresh <see cref="Quota"/>.
    /// </summary>
    public Contracts.Admin.RateLimit? RateLimit
    {
        get;
        init
        {
            field = value;
            Quota = value is null ? null : new Validation.ClientQuota(value.Requests, value.WindowSeconds);
        }
    }

    /// <summary>
    /// The in-memory state of <see cref="RateLimit"/> (per node, not persisted), found with the client on the hot path:
    /// no second lookup. A <c>with</c> copy that does not set <see cref="RateLimit"/> shares it, so other changes to
    /// the client keep the count.
    /// </summary>
    [JsonIgnore]
    public Validation.ClientQuota? Quota { get; private init; }

    /// <summary>Suspended by an operator: its tokens are refused and it gets no new ones, until resumed.</summary>
    public bool Suspended { get; init; }

    /// <summary>RFC 7591 <c>client_secret_expires_at</c>: when <see cref="SecretHash"/> stops working, Unix seconds; 0 = never.</summary>
    public long SecretExpiresAt { get; init; }

    /// <summary>
    /// Base64 SHA-256 of the secret before the last rotation with a grace period; null when there is none. Valid
    /// until <see cref="PreviousSecretExpiresAt"/>.
    /// </summary>
    public string? PreviousSecretHash { get; init; }

    /// <summary>When <see cref="PreviousSecretHash"/> stops working, Unix seconds.</summary>
    public long PreviousSecretExpiresAt { get; init; }

    /// <summary>May call the introspection endpoint (RFC 7662 section 2.1): a resource server or a Microgateway's client.</summary>
    public bool Introspection { get; init; }

    /// <summary>RFC 7591 <c>response_types</c>; null = derived from <see cref="GrantTypes"/>.</summary>
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

    /// <summary>RFC 7591 <c>jwks_uri</c> (stored and shown; the gateway does not use client keys).</summary>
    public string? JwksUri { get; init; }

    /// <summary>RFC 7591 <c>software_id</c>.</summary>
    public string? SoftwareId { get; init; }

    /// <summary>RFC 7591 <c>software_version</c>.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>Whether the client has a secret (RFC 6749 section 2.1 confidential client).</summary>
    [JsonIgnore]
    public bool IsConfidential => SecretHash.Length != 0;

    /// <summary>A copy with <paramref name="previous"/>'s quota state: a change that keeps the same <see cref="RateLimit"/> keeps its count.</summary>
    public OAuthClient WithQuotaOf(OAuthClient previous) => this with { Quota = previous.Quota };

    /// <summary>Whether <paramref name="grantType"/> is among <see cref="GrantTypes"/>.</summary>
    public bool AllowsGrant(string grantType) => GrantTypes.Contains(grantType, StringComparer.Ordinal);
}
