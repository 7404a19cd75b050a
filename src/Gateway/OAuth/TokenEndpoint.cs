using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.Scopes;

namespace FastGateway.OAuth;

/// <summary>
/// The token endpoint, <c>POST /oauth2/token</c> (RFC 6749 section 3.2).
/// </summary>
/// <remarks>
/// <code>
/// form body ──► client authentication (Basic | form) ──► grant_type dispatch
///                                                        └─ client_credentials (section 4.4)
///                                                             scope ⊆ client's scopes
///                                                             TokenIssuer ──► FASTER (durable) ──► 200 JSON
/// </code>
/// Errors follow RFC 6749 section 5.2: 400 JSON with <c>error</c> and <c>error_description</c>;
/// <c>invalid_client</c> is 401, with <c>WWW-Authenticate: Basic</c> when Basic was used.
/// </remarks>
internal sealed class TokenEndpoint(ClientAuthenticator authenticator, TokenIssuer issuer)
{
    /// <summary>Largest accepted form body, in bytes.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    /// <summary>Handles one token request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)");
            return;
        }

        var form = await OAuthForm.ReadAsync(context, MaxBodyBytes);
        if (form is null)
        {
            return;
        }

        var authentication = authenticator.Authenticate(request.Headers.Authorization, form);
        if (authentication.Client is not { } client)
        {
            await WriteClientErrorAsync(context, authentication);
            return;
        }

        if (!OAuthForm.TryGetSingle(form, "grant_type", out var grantType, out var problem))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return;
        }

        switch (grantType)
        {
            case GrantTypes.ClientCredentials:
                await ClientCredentialsAsync(context, client, form);
                return;
            case GrantTypes.AuthorizationCode or GrantTypes.Password or GrantTypes.RefreshToken:
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.UnsupportedGrantType, $"grant_type '{grantType}' is not enabled on this server yet");
                return;
            default:
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.UnsupportedGrantType, $"unknown grant_type '{grantType}'");
                return;
        }
    }

    private async Task ClientCredentialsAsync(HttpContext context, Clients.OAuthClient client, IFormCollection form)
    {
        // RFC 6749 section 4.4: only confidential clients may use client credentials.
        if (!client.IsConfidential || !client.AllowsGrant(GrantTypes.ClientCredentials))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.UnauthorizedClient, "this client is not registered for the client_credentials grant");
            return;
        }

        if (!TryGrantScopes(form, client, out var granted, out var problem))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidScope, problem);
            return;
        }

        var response = await issuer.IssueAccessTokenAsync(client, owner: null, granted, context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        await context.Response.WriteAsJsonAsync(response, GatewayJsonContext.Default.TokenResponse, contentType: "application/json; charset=utf-8");
    }

    /// <summary>Works out the granted scopes: the requested ones if all are allowed, else the client's whole allowance (RFC 6749 section 3.3).</summary>
    private static bool TryGrantScopes(IFormCollection form, Clients.OAuthClient client, out ulong granted, out string problem)
    {
        granted = 0;
        var allowed = ClientScopes.Allowed(client);
        var requested = form["scope"];
        if (requested.Count > 1)
        {
            problem = "scope was sent more than once";
            return false;
        }

        if (string.IsNullOrWhiteSpace(requested))
        {
            if (allowed == 0)
            {
                problem = "the client is allowed no scopes";
                return false;
            }

            granted = allowed;
            problem = "";
            return true;
        }

        if (!ScopeCatalog.TryParse(requested!, out var mask, out var unknown))
        {
            problem = $"unknown scope '{unknown}'";
            return false;
        }

        if ((mask & ~allowed) != 0)
        {
            problem = "a requested scope is not allowed for this client";
            return false;
        }

        granted = mask;
        problem = "";
        return true;
    }

    /// <summary>Answers a failed client authentication (RFC 6749 section 5.2); shared with introspection and revocation.</summary>
    internal static Task WriteClientErrorAsync(HttpContext context, ClientAuthenticationResult result)
    {
        if (result.Error != ErrorCodes.InvalidClient)
        {
            return ErrorResponse.WriteAsync(context, 400, result.Error!, result.Description!);
        }

        if (result.Source == ClientCredentialSource.Basic)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"FastGateway\", charset=\"UTF-8\"";
        }

        return ErrorResponse.WriteAsync(context, 401, ErrorCodes.InvalidClient, result.Description!);
    }
}
