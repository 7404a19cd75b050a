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
    public required string Scope { get; init; }

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

    /// <summary>Suspended by an operator: its tokens are refused and it gets no new ones, until resumed.</summary>
    public bool Suspended { get; init; }

    /// <summary>Whether the client has a secret (RFC 6749 section 2.1 confidential client).</summary>
    [JsonIgnore]
    public bool IsConfidential => SecretHash.Length != 0;

    /// <summary>Whether <paramref name="grantType"/> is among <see cref="GrantTypes"/>.</summary>
    public bool AllowsGrant(string grantType) => GrantTypes.Contains(grantType, StringComparer.Ordinal);
}
