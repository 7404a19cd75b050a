using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Json;
using FastGateway.OAuth.Grants;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth;

/// <summary>
/// The token endpoint, <c>POST /oauth2/token</c> (RFC 6749 section 3.2).
/// </summary>
/// <remarks>
/// <code>
/// form body ──► client authentication (Basic | form | public client_id) ──► grant_type dispatch
///     ├─ client_credentials (section 4.4)    Grants/ClientCredentialsGrant
///     ├─ authorization_code (section 4.1.3)  Grants/AuthorizationCodeGrant (+ PKCE, RFC 7636)
///     ├─ password (section 4.3)              Grants/PasswordGrant
///     └─ refresh_token (section 6)           Grants/RefreshTokenGrant (rotation, limit, reuse detection)
///                      ──► TokenIssuer ──► FASTER (durable) ──► 200 JSON (section 5.1)
/// </code>
/// Errors follow RFC 6749 section 5.2: 400 JSON with <c>error</c> and <c>error_description</c>;
/// <c>invalid_client</c> is 401, always with <c>WWW-Authenticate: Basic realm="FastGateway"</c>. Guessing is limited
/// (section 10.10, see <c>Throttling</c>): 429 <c>too_many_requests</c> or <c>temporarily_locked</c>, or 503
/// <c>temporarily_unavailable</c> when too many password checks are queued, each with <c>Retry-After</c>.
/// </remarks>
internal sealed class TokenEndpoint(
    ClientAuthenticator authenticator,
    ClientCredentialsGrant clientCredentials,
    AuthorizationCodeGrant authorizationCode,
    PasswordGrant password,
    RefreshTokenGrant refreshToken,
    IOptions<CompatibilityOptions> compatibility,
    IOptions<OAuthOptions> oauth)
{
    /// <summary>Apigee's <c>api_product_list</c>: the APIs of gateway.json, bracketed as Apigee prints it.</summary>
    private static readonly string ApiProductList = BuildApiProductList();

    /// <summary>The challenge of every <c>invalid_client</c> 401 (RFC 6749 section 5.2, RFC 7617).</summary>
    public const string Challenge = "Basic realm=\"FastGateway\", charset=\"UTF-8\"";

    /// <summary>Largest accepted form body, in bytes.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    /// <summary>The grants' parameters (RFC 6749 sections 4.1.3, 4.3.2, 4.4.2, 6; RFC 7636 section 4.5); client credentials are the authenticator's.</summary>
    private static readonly string[] SingleParameters = ["code", "redirect_uri", "code_verifier", "scope", "refresh_token", "username", "password"];

    /// <summary>Handles one token request; answers in the RFC 6749 section 5.1 shape.</summary>
    public Task HandleAsync(HttpContext context) => HandleAsync(context, apigeeShape: false);

    /// <summary>
    /// Handles one token request of the Apigee alias: like <see cref="HandleAsync(HttpContext)"/>, but a success is in
    /// Apigee's shape (<see cref="ApigeeTokenResponse"/>) unless <c>Compatibility:ApigeeResponseShape</c> is false.
    /// Errors keep the RFC 6749 section 5.2 shape.
    /// </summary>
    public Task HandleApigeeAsync(HttpContext context) => HandleAsync(context, compatibility.Value.ApigeeResponseShape);

    private async Task HandleAsync(HttpContext context, bool apigeeShape)
    {
        string? grantType = null;
        try
        {
            var outcome = await RespondAsync(context, apigeeShape, value => grantType = value);
            Observability.OAuthMetrics.TokenRequest(grantType, outcome);
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Rethrown to the JSON exception handler (500 server_error); counted so failures show in the metric too.
            Observability.OAuthMetrics.TokenRequest(grantType, ErrorCodes.ServerError);
            throw;
        }
    }

    /// <summary>Answers one token request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="apigeeShape">Whether a success is written in Apigee's shape.</param>
    /// <param name="grantTypeRead">Told the <c>grant_type</c> parameter once the form is read (for the metric).</param>
    /// <returns><see cref="Observability.OAuthMetrics.Issued"/> or the error code answered.</returns>
    private async Task<string> RespondAsync(HttpContext context, bool apigeeShape, Action<string?> grantTypeRead)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)");
            return ErrorCodes.InvalidRequest;
        }

        var form = await OAuthForm.ReadAsync(context, MaxBodyBytes);
        if (form is null)
        {
            return Observability.OAuthMetrics.ErrorFromStatus(context.Response.StatusCode);
        }

        grantTypeRead(form["grant_type"].Count == 1 ? form["grant_type"][0] : null);

        var authentication = authenticator.Authenticate(request.Headers.Authorization, form, context.Connection.RemoteIpAddress);
        if (authentication.Client is not { } client)
        {
            await WriteClientErrorAsync(context, authentication);
            return authentication.Refusal?.Error ?? authentication.Error ?? ErrorCodes.InvalidClient;
        }

        // A suspended client authenticates but is refused every grant: RFC 6749 section 5.2 unauthorized_client
        // ("not authorized to use this authorization grant type"), not invalid_client, so operators and client
        // developers can tell a suspension from wrong credentials.
        if (client.Suspended)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.UnauthorizedClient, "this client is suspended; an operator can resume it");
            return ErrorCodes.UnauthorizedClient;
        }

        if (!OAuthForm.TryGetSingle(form, "grant_type", out var grantType, out var problem))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return ErrorCodes.InvalidRequest;
        }

        // RFC 6749 section 3.2: "Request and response parameters MUST NOT be included more than once", checked here for
        // every grant, so a repeated scope is invalid_request rather than a grant's invalid_scope.
        foreach (var name in SingleParameters)
        {
            if (form[name].Count > 1)
            {
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, name + " was sent more than once");
                return ErrorCodes.InvalidRequest;
            }
        }

        var cancellationToken = context.RequestAborted;
        var result = grantType switch
        {
            GrantTypes.ClientCredentials => await clientCredentials.HandleAsync(client, form, cancellationToken),
            GrantTypes.AuthorizationCode => await authorizationCode.HandleAsync(client, form, cancellationToken),
            GrantTypes.Password => await password.HandleAsync(client, form, context.Connection.RemoteIpAddress, cancellationToken),
            GrantTypes.RefreshToken => await refreshToken.HandleAsync(client, form, cancellationToken),
            _ => GrantResult.Fail(ErrorCodes.UnsupportedGrantType, "unsupported grant_type; use authorization_code, client_credentials, password or refresh_token"),
        };

        if (result.Refusal is { } refusal)
        {
            await refusal.WriteAsync(context);
            return refusal.Error;
        }

        if (result.Tokens is not { } tokens)
        {
            await ErrorResponse.WriteAsync(context, 400, result.Error!, result.Description!);
            return result.Error!;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (apigeeShape)
        {
            var apigee = ApigeeTokenResponse.From(tokens, client, compatibility.Value.ApigeeOrganizationName, ApiProductList, oauth.Value.RefreshTokenLifetime);
            await context.Response.WriteAsJsonAsync(apigee, GatewayJsonContext.Default.ApigeeTokenResponse, contentType: "application/json; charset=utf-8");
            return Observability.OAuthMetrics.Issued;
        }

        await context.Response.WriteAsJsonAsync(tokens, GatewayJsonContext.Default.TokenResponse, contentType: "application/json; charset=utf-8");
        return Observability.OAuthMetrics.Issued;
    }

    private static string BuildApiProductList()
    {
        var names = new List<string>();
        foreach (var api in Generated.GatewayDefinition.Apis)
        {
            names.Add(api.Name);
        }

        return $"[{string.Join(", ", names)}]";
    }

    /// <summary>Answers a failed client authentication (RFC 6749 section 5.2); shared with introspection and revocation.</summary>
    internal static Task WriteClientErrorAsync(HttpContext context, ClientAuthenticationResult result)
    {
        if (result.Refusal is { } refusal)
        {
            return refusal.WriteAsync(context);
        }

        if (result.Error != ErrorCodes.InvalidClient)
        {
            return ErrorResponse.WriteAsync(context, 400, result.Error!, result.Description!);
        }

        return WriteInvalidClientAsync(context, result.Description!);
    }

    /// <summary>
    /// 401 <c>invalid_client</c> with a <c>WWW-Authenticate: Basic</c> challenge, whatever method the caller used:
    /// RFC 7235 section 3.1 requires a challenge on every 401, and RFC 6749 section 5.2 names Basic.
    /// </summary>
    internal static Task WriteInvalidClientAsync(HttpContext context, string description)
    {
        context.Response.Headers.WWWAuthenticate = Challenge;
        return ErrorResponse.WriteAsync(context, 401, ErrorCodes.InvalidClient, description);
    }
}
