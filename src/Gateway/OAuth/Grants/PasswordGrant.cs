using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.TokenStore;
using FastGateway.Users;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=password</c>, RFC 6749 section 4.3: the resource owner's username and password, sent by a
/// client registered for the password grant, are exchanged for tokens owned by that user.
/// </summary>
/// <remarks>
/// <code>
/// registered for password? ──no──► unauthorized_client
///   scope ⊆ client's scopes? ──no──► invalid_scope
///   username + password (PBKDF2, same cost for unknown users) ──wrong──► invalid_grant
///   new grant family ──► access token (+ refresh token when refresh_limit > 0)
/// </code>
/// The password is never logged; failures log the client and the username only.
/// </remarks>
internal sealed partial class PasswordGrant(FasterTokenStore store, DurableRegistry<ResourceOwner> users, TokenIssuer issuer, TimeProvider time, ILogger<PasswordGrant> logger)
{
    /// <summary>Handles the grant for an authenticated client.</summary>
    public async Task<GrantResult> HandleAsync(OAuthClient client, IFormCollection form, CancellationToken cancellationToken)
    {
        if (!client.AllowsGrant(GrantTypes.Password))
        {
            return GrantResult.Fail(ErrorCodes.UnauthorizedClient, "this client is not registered for the password grant");
        }

        if (!OAuthForm.TryGetSingle(form, "username", out var username, out var problem)
            || !OAuthForm.TryGetSingle(form, "password", out var password, out problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidRequest, problem);
        }

        // Cheap checks first: the password check costs a PBKDF2 run (600,000 iterations).
        if (!ClientScopes.TryGrant(form["scope"], ClientScopes.Allowed(client), "this client", out var granted, out problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidScope, problem);
        }

        if (username.Length > TokenRecord.MaxIdentifierBytes || !await users.AuthenticateAsync(username, password).ConfigureAwait(false))
        {
            Log.PasswordGrantRefused(logger, client.ClientId, username);
            return GrantResult.InvalidGrant("the username or password is wrong");
        }

        var family = await GrantFamilies.StartAsync(store, client.ClientId, username, granted, time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
        var grant = new TokenGrant(username, family, granted, granted, TokenIssuer.InitialRefreshUses(client));
        return GrantResult.Success(await issuer.IssuePairAsync(client, grant, GrantTypes.Password, cancellationToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.PasswordGrantRefused, Level = LogLevel.Information, Message = "Password grant refused for client {ClientId}, user '{Username}': wrong username or password")]
        public static partial void PasswordGrantRefused(ILogger logger, string clientId, string username);
    }
}
