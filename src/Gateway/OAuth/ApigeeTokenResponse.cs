using System.Globalization;
using System.Text.Json.Serialization;
using FastGateway.Clients;

namespace FastGateway.OAuth;

/// <summary>
/// A token response in Apigee Edge's shape (its default <c>/oauth/client_credential/accesstoken</c> proxy), so Apigee
/// clients that parse it keep working: every value is a JSON string, <c>issued_at</c> is in milliseconds, and the
/// Apigee-only fields are present. Sent only by that alias while <c>Compatibility:ApigeeResponseShape</c> is true.
/// </summary>
/// <remarks>
/// Mapping from FastGateway's model: <c>application_name</c> is the client_name (else the client_id);
/// <c>api_product_list</c> lists the APIs of gateway.json (Apigee's API products); <c>developer.email</c> is the
/// client's first RFC 7591 contact; <c>organization_id</c> is "0" as in Apigee's default org;
/// <c>expires_in</c> is "0" for a token that never expires (the RFC shape omits it).
/// </remarks>
internal sealed record ApigeeTokenResponse
{
    /// <summary>Issue time, Unix milliseconds, as a string.</summary>
    public required string IssuedAt { get; init; }

    /// <summary>The client's display name (Apigee: the app), else its client_id.</summary>
    public required string ApplicationName { get; init; }

    /// <summary>Granted scopes, space-separated.</summary>
    public required string Scope { get; init; }

    /// <summary>Always "approved" (a token is issued only to an approved, not suspended, client).</summary>
    public string Status { get; init; } = "approved";

    /// <summary>The API products, Apigee's bracketed list: <c>[timetravels]</c>.</summary>
    public required string ApiProductList { get; init; }

    /// <summary>Seconds until expiry, as a string; "0" when the token never expires.</summary>
    public required string ExpiresIn { get; init; }

    /// <summary>The developer's e-mail: the client's first contact, else "".</summary>
    [JsonPropertyName("developer.email")]
    public required string DeveloperEmail { get; init; }

    /// <summary>"0", Apigee's default organization id.</summary>
    public string OrganizationId { get; init; } = "0";

    /// <summary>The consumer key (client_id).</summary>
    public required string ClientId { get; init; }

    /// <summary>The access token.</summary>
    public required string AccessToken { get; init; }

    /// <summary><c>Compatibility:ApigeeOrganizationName</c>.</summary>
    public required string OrganizationName { get; init; }

    /// <summary>Seconds until the refresh token expires, as a string; "0" when none was issued.</summary>
    public required string RefreshTokenExpiresIn { get; init; }

    /// <summary>Refreshes so far, as a string: "0".</summary>
    public string RefreshCount { get; init; } = "0";

    /// <summary>Apigee's token type name, "BearerToken".</summary>
    public string TokenType { get; init; } = "BearerToken";

    /// <summary>The refresh token, when one was issued.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>When the refresh token was issued, Unix milliseconds as a string; with <see cref="RefreshToken"/>.</summary>
    public string? RefreshTokenIssuedAt { get; init; }

    /// <summary>"approved", with <see cref="RefreshToken"/>.</summary>
    public string? RefreshTokenStatus { get; init; }

    /// <summary>Builds the Apigee view of an issued token.</summary>
    /// <param name="tokens">The RFC 6749 response the token endpoint would send.</param>
    /// <param name="client">The client the token was issued to.</param>
    /// <param name="organizationName"><c>Compatibility:ApigeeOrganizationName</c>.</param>
    /// <param name="apiProducts">The API names, e.g. <c>[timetravels]</c>.</param>
    /// <param name="refreshTokenLifetime"><c>OAuth:RefreshTokenLifetime</c>, seconds; -1 = never expires.</param>
    public static ApigeeTokenResponse From(TokenResponse tokens, OAuthClient client, string organizationName, string apiProducts, int refreshTokenLifetime)
    {
        var issuedAtMilliseconds = Text(tokens.IssuedAt * 1000);
        var hasRefresh = tokens.RefreshToken is not null;
        return new ApigeeTokenResponse
        {
            IssuedAt = issuedAtMilliseconds,
            ApplicationName = string.IsNullOrEmpty(client.ClientName) ? client.ClientId : client.ClientName,
            Scope = tokens.Scope,
            ApiProductList = apiProducts,
            ExpiresIn = Text(tokens.ExpiresIn ?? 0),
            DeveloperEmail = client.Contacts is [var first, ..] ? first : "",
            ClientId = tokens.ClientId,
            AccessToken = tokens.AccessToken,
            OrganizationName = organizationName,
            RefreshTokenExpiresIn = hasRefresh && refreshTokenLifetime > 0 ? Text(refreshTokenLifetime) : "0",
            RefreshToken = tokens.RefreshToken,
            RefreshTokenIssuedAt = hasRefresh ? issuedAtMilliseconds : null,
            RefreshTokenStatus = hasRefresh ? "approved" : null,
        };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
