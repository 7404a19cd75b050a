using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Scopes;
using FastGateway.TokenStore;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=authorization_code</c>, RFC 6749 section 4.1.3 with PKCE, RFC 7636 section 4.5: redeems a
/// code issued by <see cref="AuthorizationCodes"/> for tokens owned by the user who approved it.
/// </summary>
/// <remarks>
/// <code>
/// registered for authorization_code? ──no──► unauthorized_client
///   read the code (no write yet)
///     unknown / not a code / revoked / grant revoked / owner deleted ─────────────► invalid_grant
///     already redeemed ──► revoke the family (every token from the first redemption) ──► invalid_grant
///     expired / other client / redirect_uri differs / PKCE fails ─► invalid_grant (code left usable)
///   ConsumeAsync (atomic): lost a race to another redemption ──► revoke the family ──► invalid_grant
///   access token (+ refresh token) in the code's family, owner and scopes
/// </code>
/// Every check that needs no write runs before the code is consumed, so a request that fails them (say,
/// an attacker without the PKCE verifier) does not burn the legitimate client's code. Single use itself
/// rests on <see cref="FasterTokenStore.ConsumeAsync"/>: of two concurrent redemptions only one sees the
/// code active.
/// </remarks>
internal sealed class AuthorizationCodeGrant(FasterTokenStore store, Validation.TokenStanding standing, ScopeCatalog scopes, TokenIssuer issuer, TimeProvider time, Audit.AuditLog audit)
{
    /// <summary>Handles the grant for an authenticated client.</summary>
    public async Task<GrantResult> HandleAsync(OAuthClient client, IFormCollection form, CancellationToken cancellationToken)
    {
        if (!client.AllowsGrant(GrantTypes.AuthorizationCode))
        {
            return GrantResult.Fail(ErrorCodes.UnauthorizedClient, "this client is not registered for the authorization_code grant");
        }

        if (!OAuthForm.TryGetSingle(form, "code", out var code, out var problem))
        {
            return GrantResult.Fail(ErrorCodes.InvalidRequest, problem);
        }

        var redirectUri = form["redirect_uri"];
        var verifier = form["code_verifier"];
        if (redirectUri.Count > 1 || verifier.Count > 1)
        {
            return GrantResult.Fail(ErrorCodes.InvalidRequest, redirectUri.Count > 1 ? "redirect_uri was sent more than once" : "code_verifier was sent more than once");
        }

        if (!TokenHash.TryCompute(code, out var hash) || !store.TryGet(hash, out var record) || record.Kind != TokenKind.AuthorizationCode)
        {
            return GrantResult.InvalidGrant("unknown authorization code");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (record.State == TokenState.Consumed)
        {
            return await RevokeReplayedAsync(record, hash).ConfigureAwait(false);
        }

        if (record.State != TokenState.Active || !standing.IsActive(record))
        {
            return GrantResult.InvalidGrant("the authorization code was revoked");
        }

        if (now >= record.ExpiresAt)
        {
            return GrantResult.InvalidGrant("the authorization code expired");
        }

        if (record.ClientId != client.ClientId)
        {
            return GrantResult.InvalidGrant("the authorization code was issued to another client");
        }

        // RFC 6749 section 4.1.3: redirect_uri must be identical to the authorization request's, and absent if that had none.
        if (AuthorizationCodes.RedirectUriBinding(redirectUri.Count == 1 ? redirectUri[0] : null) != record.RedirectUriHash)
        {
            return GrantResult.InvalidGrant("redirect_uri does not match the authorization request");
        }

        if (CheckPkce(client, record, verifier.Count == 1 ? verifier[0] : null) is { } pkceProblem)
        {
            return GrantResult.InvalidGrant(pkceProblem);
        }

        var (found, before) = await store.ConsumeAsync(hash, now, cancellationToken).ConfigureAwait(false);
        if (!found || before.State == TokenState.Revoked)
        {
            return GrantResult.InvalidGrant("the authorization code was revoked");
        }

        if (before.State == TokenState.Consumed)
        {
            // Another request redeemed it between our read and our write.
            return await RevokeReplayedAsync(before, hash).ConfigureAwait(false);
        }

        var granted = scopes.ToCurrent(before.Scopes, before.ScopeSchemaId);
        var grant = new TokenGrant(before.Owner ?? "", before.FamilyId, granted, granted, TokenIssuer.InitialRefreshUses(client));
        return GrantResult.Success(await issuer.IssuePairAsync(client, grant, GrantTypes.AuthorizationCode, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>RFC 7636 section 4.6, plus defence in depth: a public client's code must have used PKCE.</summary>
    /// <returns>The invalid_grant description, or null when the check passes.</returns>
    private static string? CheckPkce(OAuthClient client, in TokenRecord code, string? verifier)
    {
        if (code.CodeChallengeMethod == CodeChallengeMethod.None)
        {
            if (!client.IsConfidential)
            {
                return "a public client's authorization code must be issued with PKCE (code_challenge)";
            }

            return string.IsNullOrEmpty(verifier) ? null : "code_verifier sent, but the authorization request had no code_challenge";
        }

        if (string.IsNullOrEmpty(verifier))
        {
            return "missing code_verifier (the authorization request had a code_challenge)";
        }

        return Pkce.Verify(code.CodeChallengeMethod, code.CodeChallenge, verifier) ? null : "code_verifier does not match the code_challenge";
    }

    /// <summary>RFC 6749 section 4.1.2: a code used twice SHOULD revoke every token issued from it.</summary>
    private async Task<GrantResult> RevokeReplayedAsync(TokenRecord code, TokenHash hash)
    {
        if (code.HasFamily)
        {
            // Not cancellable: a client hanging up must not stop the revocation.
            await GrantFamilies.RevokeAsync(store, code.FamilyId, CancellationToken.None).ConfigureAwait(false);
        }

        audit.GrantRevoked(code.ClientId, code.Owner, hash.ToTokenId(), "authorization code replayed");
        return GrantResult.InvalidGrant("the authorization code was already used; the tokens issued from it are revoked");
    }
}
