using System.Net;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Throttling;
using FastGateway.TokenStore;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=password</c>, RFC 6749 section 4.3: the resource owner's username and password, sent by a
/// client registered for the password grant, are exchanged for tokens owned by that user.
/// </summary>
/// <remarks>
/// <code>
/// registered for password? ──no──► unauthorized_client
///   public client, OAuth:AllowPasswordGrantForPublicClients false? ──yes──► unauthorized_client (RFC 9700 section 2.4)
///   scope ⊆ client's scopes? ──no──► invalid_scope
///   PasswordGuard: failure limits, lockout ──► 429; hashing queue full ──► 503 (each with Retry-After)
///   username + password (PBKDF2, same cost for unknown users) ──wrong──► invalid_grant
///   new grant family ──► access token (+ refresh token when refresh_limit > 0)
/// </code>
/// The password is never logged; failures log the client and the username only. RFC 6749 section 4.3.2 requires the
/// protection against brute force that <see cref="PasswordGuard"/> gives.
/// </remarks>
internal sealed partial class PasswordGrant(FasterTokenStore store, PasswordGuard guard, TokenIssuer issuer, IOptions<OAuthOptions> options, TimeProvider time, ILogger<PasswordGrant> logger)
{
    /// <summary>Handles the grant for an authenticated client.</summary>
    /// <param name="client">The authenticated client.</param>
    /// <param name="form">The token request's form.</param>
    /// <param name="remoteAddress">The caller's address, for the failure limits.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    public async Task<GrantResult> HandleAsync(OAuthClient client, IFormCollection form, IPAddress? remoteAddress, CancellationToken cancellationToken)
    {
        if (!client.AllowsGrant(GrantTypes.Password))
        {
            return GrantResult.Fail(ErrorCodes.UnauthorizedClient, "this client is not registered for the password grant");
        }

        // RFC 9700 section 2.4: the grant exposes the user's password to the client; a public client cannot even prove
        // it is the application the user trusts (anyone can send its client_id).
        if (!client.IsConfidential && !options.Value.AllowPasswordGrantForPublicClients)
        {
            return GrantResult.Fail(ErrorCodes.UnauthorizedClient,
                "public clients may not use the password grant (RFC 9700 section 2.4); use the authorization code grant with PKCE, or set OAuth:AllowPasswordGrantForPublicClients");
        }

        if (!OAuthForm.TryGetSingle(form, "username", out var username, out var problem)
            || !OAuthForm.TryGetSingle(form, "password", out var password, out problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidRequest, problem);
        }

        // Cheap checks first: the password check costs a PBKDF2 run (600,000 iterations).
        if (!ClientScopes.TryGrant(form["scope"], client.AllowedScopes, "this client", out var granted, out problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidScope, problem);
        }

        var check = username.Length > TokenRecord.MaxIdentifierBytes
            ? PasswordCheck.Wrong
            : await guard.AuthenticateAsync(remoteAddress, client.ClientId, username, password, "password grant", cancellationToken).ConfigureAwait(false);
        if (check.Refusal is { } refusal)
        {
            return GrantResult.Throttled(refusal);
        }

        if (!check.Succeeded)
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
