using FastGateway.Clients;
using FastGateway.Contracts.Admin;

namespace FastGateway.Admin;

/// <summary>
/// Builds the admin API's view of a stored client (<see cref="ClientInformationResponse"/>, a wire type shared with
/// the CLI through FastGateway.Contracts); kept here because it reads the gateway's <see cref="OAuthClient"/>.
/// </summary>
internal static class ClientInformation
{
    /// <summary>Builds the view of a stored client; pass the secret only when it was just created.</summary>
    /// <param name="client">The stored client.</param>
    /// <param name="newSecret">The secret just created or rotated, shown this once; else null.</param>
    /// <param name="now">The current time, Unix seconds: a previous secret past its grace period is not shown.</param>
    public static ClientInformationResponse From(OAuthClient client, string? newSecret, long now) => new(
        client.ClientId,
        newSecret,
        client.ClientIdIssuedAt,
        // RFC 7591 section 3.2.1: required beside a secret (0 = it does not expire); shown whenever the secret expires.
        newSecret is not null || client.SecretExpiresAt != 0 ? client.SecretExpiresAt : null,
        client.ClientName,
        client.Scope,
        client.GrantTypes,
        client.RedirectUris,
        client.TokenEndpointAuthMethod,
        client.AccessTokenLifetime,
        client.RefreshLimit,
        client.IsConfidential ? "confidential" : "public",
        client.Suspended)
    {
        RateLimit = client.RateLimit,
        ResponseTypes = client.ResponseTypes ?? DerivedResponseTypes(client),
        ClientUri = client.ClientUri,
        LogoUri = client.LogoUri,
        Contacts = client.Contacts,
        TosUri = client.TosUri,
        PolicyUri = client.PolicyUri,
        JwksUri = client.JwksUri,
        SoftwareId = client.SoftwareId,
        SoftwareVersion = client.SoftwareVersion,
        Introspection = client.Introspection,
        PreviousClientSecretExpiresAt = client.PreviousSecretHash is not null && client.PreviousSecretExpiresAt > now ? client.PreviousSecretExpiresAt : null,
    };

    /// <summary>The response types a client's grant types imply (RFC 7591 section 2.1), when none were registered; null when none.</summary>
    private static List<string>? DerivedResponseTypes(OAuthClient client)
    {
        List<string>? types = null;
        if (client.AllowsGrant(OAuth.GrantTypes.AuthorizationCode))
        {
            (types ??= []).Add("code");
        }

        if (client.AllowsGrant(OAuth.GrantTypes.Implicit))
        {
            (types ??= []).Add("token");
        }

        return types;
    }
}
