using FastGateway.Clients;
using FastGateway.Generated;
using FastGateway.TokenStore;

namespace FastGateway.OAuth;

/// <summary>
/// Authorization codes (RFC 6749 section 4.1.2): opaque, single use, short-lived
/// (<c>OAuth:AuthorizationCodeLifetime</c>, changeable at runtime through <see cref="Settings.RuntimeSettings"/>), bound to the client, the redirect URI and the PKCE
/// challenge. Each code starts a grant family: every token issued from it carries the family, so a
/// replayed code can revoke them all with one write.
/// </summary>
internal sealed class AuthorizationCodes(FasterTokenStore store, Settings.RuntimeSettings settings, TimeProvider time)
{
    /// <summary>Issues a code, durably (the family record, then the code).</summary>
    /// <param name="client">The client the code is for.</param>
    /// <param name="owner">The signed-in resource owner's username.</param>
    /// <param name="scopes">The scopes the owner approved (mask over the generated scope table).</param>
    /// <param name="redirectUri">The redirect_uri exactly as sent in the authorization request, or null when it was omitted.</param>
    /// <param name="challengeMethod">PKCE method, <see cref="CodeChallengeMethod.None"/> without PKCE.</param>
    /// <param name="challenge">The stored PKCE challenge (see <see cref="Pkce.TryParseChallenge"/>).</param>
    /// <param name="cancellationToken">Stops waiting for durability.</param>
    /// <returns>The code to send to the client.</returns>
    public async Task<string> IssueAsync(OAuthClient client, string owner, ulong scopes, string? redirectUri, CodeChallengeMethod challengeMethod, Sha256Value challenge, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var family = await GrantFamilies.StartAsync(store, client.ClientId, owner, scopes, now, cancellationToken).ConfigureAwait(false);

        var code = AccessTokens.Generate();
        TokenHash.TryCompute(code, out var hash);
        var record = TokenRecord.Create(TokenKind.AuthorizationCode, client.ClientId, owner, scopes, GatewayDefinition.ScopeSchemaId, now, now + settings.AuthorizationCodeLifetime);
        record.FamilyId = family;
        record.RedirectUriHash = RedirectUriBinding(redirectUri);
        record.CodeChallengeMethod = challengeMethod;
        record.CodeChallenge = challenge;
        await store.AddAsync(hash, record, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>
    /// The value a code stores for its redirect URI (RFC 6749 section 4.1.3): the token request must present the
    /// identical value when the authorization request had one; <c>Of("")</c> when it had none, and then the token
    /// request may omit it (see <see cref="Grants.AuthorizationCodeGrant"/>).
    /// </summary>
    public static Sha256Value RedirectUriBinding(string? redirectUri) => Sha256Value.Of(redirectUri ?? "");
}
