using FastGateway.Clients;
using FastGateway.Errors;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=client_credentials</c>, RFC 6749 section 4.4: a confidential client gets an access token
/// for itself. No owner, no grant family and no refresh token (section 4.4.3).
/// </summary>
internal sealed class ClientCredentialsGrant(TokenIssuer issuer)
{
    /// <summary>Handles the grant for an authenticated client.</summary>
    public async Task<GrantResult> HandleAsync(OAuthClient client, IFormCollection form, CancellationToken cancellationToken)
    {
        // RFC 6749 section 4.4: only confidential clients may use client credentials.
        if (!client.IsConfidential || !client.AllowsGrant(GrantTypes.ClientCredentials))
        {
            return GrantResult.Fail(ErrorCodes.UnauthorizedClient, "this client is not registered for the client_credentials grant");
        }

        if (!ClientScopes.TryGrant(form["scope"], client.AllowedScopes, "this client", out var granted, out var problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidScope, problem);
        }

        return GrantResult.Success(await issuer.IssueAccessTokenAsync(client, owner: null, granted, GrantTypes.ClientCredentials, cancellationToken).ConfigureAwait(false));
    }
}
