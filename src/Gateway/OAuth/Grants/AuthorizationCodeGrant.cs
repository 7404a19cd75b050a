using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth.Grants;

/// <summary>
/// <c>grant_type=authorization_code</c>, RFC 6749 section 4.1.3 with PKCE, RFC 7636 section 4.5: redeems a
/// code issued by <see cref="AuthorizationCodes"/> for tokens owned by the user who approved it.
/// </summary>
/// <remarks>
/// <code>
/// registered for authorization_code? ──no──► unauthorized_client
///   read the code (no write yet)
///     unknown / not a code ────────────────────────────────────────────────────────► invalid_grant
///     issued to another client ──► logged (who presented it), nothing revoked ─────► invalid_grant
///     already redeemed, and this request proves it is the legitimate client's
///       (redirect_uri and PKCE verifier right) ──► revoke the family (every token from the first redemption) ──► invalid_grant
///     already redeemed, proof missing or wrong ──► logged, nothing revoked ─────────► invalid_grant
///     revoked / grant revoked / owner deleted / expired / redirect_uri differs / PKCE fails ─► invalid_grant (code left usable)
///   ConsumeAsync (atomic): lost a race to another redemption ──► revoke the family ──► invalid_grant
///   access token (+ refresh token) in the code's family, owner and scopes
/// </code>
/// Every check that needs no write runs before the code is consumed, so a request that fails them (say,
/// an attacker without the PKCE verifier) does not burn the legitimate client's code. Single use itself
/// rests on <see cref="FasterTokenStore.ConsumeAsync"/>: of two concurrent redemptions only one sees the
/// code active. Only the legitimate client's replay revokes (RFC 6749 sections 4.1.2 and 10.5): otherwise anyone
/// who saw a used code (a log, a Referer) could revoke a user's tokens by presenting it.
/// </remarks>
internal sealed partial class AuthorizationCodeGrant(
    FasterTokenStore store,
    Validation.TokenStanding standing,
    ScopeCatalog scopes,
    TokenIssuer issuer,
    TimeProvider time,
    Audit.AuditLog audit,
    IOptions<OAuthOptions> options,
    ILogger<AuthorizationCodeGrant> logger)
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

        // First, whose code it is: another client's presentation is refused and changes nothing (RFC 6749 section 4.1.3).
        if (record.ClientId != client.ClientId)
        {
            Log.OtherClient(logger, hash.ToTokenId(), record.ClientId, client.ClientId);
            return GrantResult.InvalidGrant("the authorization code was issued to another client");
        }

        var proofProblem = CheckRedirectUri(client, record, redirectUri.Count == 1 ? redirectUri[0] : null)
            ?? CheckPkce(client, record, verifier.Count == 1 ? verifier[0] : null);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (record.State == TokenState.Consumed)
        {
            if (proofProblem is not null)
            {
                Log.ReplayUnproven(logger, hash.ToTokenId(), client.ClientId);
                return GrantResult.InvalidGrant("the authorization code was already used");
            }

            return await RevokeReplayedAsync(client, record, hash).ConfigureAwait(false);
        }

        if (record.State != TokenState.Active || !standing.IsActive(record))
        {
            return GrantResult.InvalidGrant("the authorization code was revoked");
        }

        if (now >= record.ExpiresAt)
        {
            return GrantResult.InvalidGrant("the authorization code expired");
        }

        if (proofProblem is not null)
        {
            return GrantResult.InvalidGrant(proofProblem);
        }

        var (found, before) = await store.ConsumeAsync(hash, now, cancellationToken).ConfigureAwait(false);
        if (!found || before.State == TokenState.Revoked)
        {
            return GrantResult.InvalidGrant("the authorization code was revoked");
        }

        if (before.State == TokenState.Consumed)
        {
            // Another request redeemed it between our read and our write; this one passed every proof.
            return await RevokeReplayedAsync(client, before, hash).ConfigureAwait(false);
        }

        var granted = scopes.ToCurrent(before.Scopes, before.ScopeSchemaId);
        var grant = new TokenGrant(before.Owner ?? "", before.FamilyId, granted, granted, TokenIssuer.InitialRefreshUses(client));
        return GrantResult.Success(await issuer.IssuePairAsync(client, grant, GrantTypes.AuthorizationCode, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// RFC 6749 section 4.1.3: <c>redirect_uri</c> is required, and identical, when the authorization request had
    /// one. When it had none (the client's only registered URI was used), <c>redirect_uri</c> may be omitted, or sent
    /// as one of the client's registered redirect URIs (client libraries often send it anyway).
    /// </summary>
    /// <returns>The invalid_grant description, or null when the check passes.</returns>
    private static string? CheckRedirectUri(OAuthClient client, in TokenRecord code, string? redirectUri)
    {
        if (AuthorizationCodes.RedirectUriBinding(redirectUri) == code.RedirectUriHash)
        {
            return null;
        }

        if (code.RedirectUriHash == AuthorizationCodes.RedirectUriBinding(null))
        {
            return client.RedirectUris.Contains(redirectUri ?? "", StringComparer.Ordinal) ? null : "redirect_uri is not registered for this client";
        }

        return string.IsNullOrEmpty(redirectUri)
            ? "missing redirect_uri (the authorization request had one)"
            : "redirect_uri does not match the authorization request";
    }

    /// <summary>
    /// RFC 7636 section 4.6, plus defence in depth: a public client's code must have used PKCE, and so must a
    /// confidential client's under <see cref="OAuthOptions.RequirePkce"/>.
    /// </summary>
    /// <returns>The invalid_grant description, or null when the check passes.</returns>
    private string? CheckPkce(OAuthClient client, in TokenRecord code, string? verifier)
    {
        if (code.CodeChallengeMethod == CodeChallengeMethod.None)
        {
            if (!client.IsConfidential)
            {
                return "a public client's authorization code must be issued with PKCE (code_challenge)";
            }

            if (options.Value.RequirePkce)
            {
                return "PKCE required: the authorization code was issued without code_challenge";
            }

            return string.IsNullOrEmpty(verifier) ? null : "code_verifier sent, but the authorization request had no code_challenge";
        }

        if (string.IsNullOrEmpty(verifier))
        {
            return "missing code_verifier (the authorization request had a code_challenge)";
        }

        return Pkce.Verify(code.CodeChallengeMethod, code.CodeChallenge, verifier) ? null : "code_verifier does not match the code_challenge";
    }

    /// <summary>RFC 6749 section 4.1.2: a code used twice by its client SHOULD revoke every token issued from it.</summary>
    private async Task<GrantResult> RevokeReplayedAsync(OAuthClient client, TokenRecord code, TokenHash hash)
    {
        Log.Replayed(logger, hash.ToTokenId(), client.ClientId);
        if (code.HasFamily)
        {
            // Not cancellable: a client hanging up must not stop the revocation.
            await GrantFamilies.RevokeAsync(store, code.FamilyId, CancellationToken.None).ConfigureAwait(false);
        }

        audit.GrantRevoked(code.ClientId, code.Owner, hash.ToTokenId(), "authorization code replayed by its client");
        return GrantResult.InvalidGrant("the authorization code was already used; the tokens issued from it are revoked");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.CodeOtherClient, Level = LogLevel.Warning, Message = "Authorization code {CodeId} of client {CodeClientId} presented by client {PresentingClientId}; refused, nothing revoked")]
        public static partial void OtherClient(ILogger logger, string codeId, string codeClientId, string presentingClientId);

        [LoggerMessage(EventId = EventIds.CodeReplayed, Level = LogLevel.Warning, Message = "Authorization code {CodeId} presented again by its client {PresentingClientId}; the tokens issued from it are revoked")]
        public static partial void Replayed(ILogger logger, string codeId, string presentingClientId);

        [LoggerMessage(EventId = EventIds.CodeReplayUnproven, Level = LogLevel.Warning, Message = "Used authorization code {CodeId} presented again as client {PresentingClientId} without its redirect_uri or PKCE verifier; refused, nothing revoked")]
        public static partial void ReplayUnproven(ILogger logger, string codeId, string presentingClientId);
    }
}
