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
    public static ClientInformationResponse From(OAuthClient client, string? newSecret) => new(
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
        client.IsConfidential ? "confidential" : "public",
        client.Suspended)
    {
        RateLimit = client.RateLimit,
    };
}
