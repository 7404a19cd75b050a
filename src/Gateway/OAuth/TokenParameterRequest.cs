using FastGateway.Clients;
using FastGateway.Errors;

namespace FastGateway.OAuth;

/// <summary>
/// A request to the introspection (RFC 7662 section 2.1) or revocation (RFC 7009 section 2.1) endpoint
/// after its common checks: the authenticated client and the <c>token</c> parameter.
/// </summary>
/// <param name="Client">The authenticated client (confidential, or public when only a client_id was sent).</param>
/// <param name="Token">The <c>token</c> parameter as sent.</param>
/// <param name="TokenTypeHint">
/// <c>token_type_hint</c> (<c>access_token</c> or <c>refresh_token</c>), or null. Informational only: one
/// hashed lookup finds every kind of token, so the hint never changes the answer (RFC 7662 section 2.1 and
/// RFC 7009 section 2.1 let the server search across all token types).
/// </param>
internal readonly record struct TokenParameterRequest(OAuthClient Client, string Token, string? TokenTypeHint)
{
    /// <summary>Largest accepted form body, in bytes (the token endpoint's limit).</summary>
    public const long MaxBodyBytes = TokenEndpoint.MaxBodyBytes;

    /// <summary>
    /// Runs the checks the introspection and revocation endpoints share, answering errors itself:
    /// a form body (400; 413 when too large),
    /// client authentication as at the token endpoint (401 <c>invalid_client</c>, with
    /// <c>WWW-Authenticate: Basic</c> always; the registered token_endpoint_auth_method enforced), and exactly one non-empty <c>token</c>
    /// (400 <c>invalid_request</c>).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="authenticator">Client authentication (RFC 6749 section 2.3.1).</param>
    /// <returns>The request, or null when an error response was written.</returns>
    public static async Task<TokenParameterRequest?> ReadAsync(HttpContext context, ClientAuthenticator authenticator)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "the body must be application/x-www-form-urlencoded");
            return null;
        }

        var form = await OAuthForm.ReadAsync(context, MaxBodyBytes);
        if (form is null)
        {
            return null;
        }

        var authentication = authenticator.Authenticate(request.Headers.Authorization, form, context.Connection.RemoteIpAddress);
        if (authentication.Client is not { } client)
        {
            await TokenEndpoint.WriteClientErrorAsync(context, authentication);
            return null;
        }

        if (!OAuthForm.TryGetSingle(form, "token", out var token, out var problem))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return null;
        }

        var hint = form["token_type_hint"];
        return new TokenParameterRequest(client, token, hint.Count == 1 ? hint[0] : null);
    }
}
