using FastGateway.Contracts.Admin;
using FastGateway.Audit;
using System.Buffers.Text;
using System.Security.Cryptography;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Json;
using FastGateway.OAuth;
using FastGateway.Scopes;

namespace FastGateway.Admin;

/// <summary>
/// The applications part of the admin API (RFC 7591 metadata names): <c>POST</c>/<c>GET</c> (paged)
/// <c>/admin/v1/clients</c>; <c>GET</c>, <c>PATCH</c>, <c>DELETE</c> <c>/admin/v1/clients/{client_id}</c>;
/// <c>POST /admin/v1/clients/{client_id}/secret</c>. Secrets are shown only in the response that created them.
/// </summary>
/// <remarks>
/// Deleting or suspending a client takes effect at once for its live tokens through
/// <see cref="Validation.TokenStanding"/>, without touching the token store. Every change is an audit event (<see cref="AuditLog"/>).
/// </remarks>
internal sealed partial class ClientAdminEndpoints(DurableRegistry<OAuthClient> clients, DurableRegistry<DeletedClient> deleted, TimeProvider time, AuditLog audit)
{
    /// <summary>Largest accepted JSON body, in bytes.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>RFC 6749 section 3.1.1 response type of the authorization code grant.</summary>
    private const string ResponseTypeCode = "code";

    /// <summary>RFC 6749 section 3.1.1 response type of the implicit grant.</summary>
    private const string ResponseTypeToken = "token";

    /// <summary>Longest accepted descriptive URL (client_uri, logo_uri, ...), in characters.</summary>
    private const int MaxUriLength = 2000;

    private static readonly System.Buffers.SearchValues<char> ClientIdChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-");

    /// <summary>The current time, Unix seconds.</summary>
    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// Registers a client; 201 with the client information and its secret (shown once). With <c>client_id</c> and
    /// <c>client_secret</c> in the body, an existing application is imported with its credentials unchanged.
    /// </summary>
    public async Task CreateAsync(HttpContext context)
    {
        var request = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.ClientMetadataRequest, MaxBodyBytes);
        if (request is null)
        {
            return;
        }

        if (Validate(request) is { } invalid)
        {
            audit.Client("create", request.ClientId ?? "(new)", "invalid");
            await ErrorResponse.WriteAsync(context, 400, invalid.Error, invalid.Description);
            return;
        }

        // An imported secret (client_secret in the body) keeps an existing application's credentials unchanged.
        var secret = request.TokenEndpointAuthMethod == TokenEndpointAuthMethods.None ? null : request.ClientSecret ?? ClientSecrets.Generate();
        var client = ToClient(request, secret, Now);

        if (!clients.TryAdd(client))
        {
            audit.Client("create", client.ClientId, "conflict");
            await ErrorResponse.WriteAsync(context, 409, ErrorCodes.InvalidClientMetadata, $"client_id '{client.ClientId}' is already registered");
            return;
        }

        deleted.Remove(client.ClientId); // Registered again on purpose: Bootstrap:Clients may manage it again.
        audit.Client("create", client.ClientId, "ok");
        context.Response.StatusCode = 201;
        context.Response.Headers.Location = $"/admin/v1/clients/{Uri.EscapeDataString(client.ClientId)}";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(ClientInformation.From(client, secret, Now), GatewayJsonContext.Default.ClientInformationResponse);
    }

    /// <summary>Returns a client without its secret; 404 when unknown.</summary>
    public async Task GetAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["client_id"] as string ?? "";
        if (!clients.TryGet(id, out var client))
        {
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no client '{id}'");
            return;
        }

        await context.Response.WriteAsJsonAsync(ClientInformation.From(client, null, Now), GatewayJsonContext.Default.ClientInformationResponse);
    }

    /// <summary>Builds the stored client from validated metadata, applying RFC 7591 defaults.</summary>
    /// <param name="request">Metadata that passed <see cref="Validate"/>.</param>
    /// <param name="secret">The plain secret (hashed here), or null for a public client.</param>
    /// <param name="issuedAt">client_id_issued_at, Unix seconds.</param>
    internal static OAuthClient ToClient(ClientMetadataRequest request, string? secret, long issuedAt) => new()
    {
        ClientId = request.ClientId ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
        ClientName = request.ClientName,
        SecretHash = secret is null ? "" : ClientSecrets.Hash(secret),
        Scope = request.Scope is null ? ScopeCatalog.AllNames : string.Join(' ', request.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
        GrantTypes = request.GrantTypes ?? [GrantTypes.ClientCredentials],
        RedirectUris = request.RedirectUris ?? [],
        TokenEndpointAuthMethod = request.TokenEndpointAuthMethod ?? TokenEndpointAuthMethods.ClientSecretBasic,
        AccessTokenLifetime = request.AccessTokenLifetime,
        RefreshLimit = request.RefreshLimit ?? 0,
        ClientIdIssuedAt = issuedAt,
        RateLimit = request.RateLimit,
        SecretExpiresAt = secret is null ? 0 : request.ClientSecretExpiresAt ?? 0,
        Introspection = request.Introspection ?? false,
        ResponseTypes = request.ResponseTypes,
        ClientUri = request.ClientUri,
        LogoUri = request.LogoUri,
        Contacts = request.Contacts is { Count: > 0 } contacts ? contacts : null,
        TosUri = request.TosUri,
        PolicyUri = request.PolicyUri,
        JwksUri = request.JwksUri,
        SoftwareId = request.SoftwareId,
        SoftwareVersion = request.SoftwareVersion,
    };

    /// <summary>Checks metadata; returns the error to answer, or null when valid.</summary>
    internal static (string Error, string Description)? Validate(ClientMetadataRequest request)
    {
        if (request.ClientId is { } id && (id.Length is 0 or > TokenStore.TokenRecord.MaxIdentifierBytes || id.AsSpan().ContainsAnyExcept(ClientIdChars)))
        {
            return (ErrorCodes.InvalidClientMetadata, "client_id must be 1-64 characters of A-Z a-z 0-9 . _ ~ -");
        }

        if (request.ClientName is { Length: > 200 })
        {
            return (ErrorCodes.InvalidClientMetadata, "client_name is longer than 200 characters");
        }

        if (request.Scope is { } scope && !ScopeCatalog.TryParse(scope, out _, out var unknown))
        {
            return (ErrorCodes.InvalidClientMetadata, $"unknown scope '{unknown}'");
        }

        if (request.GrantTypes is { } grants)
        {
            foreach (var grant in grants)
            {
                if (!GrantTypes.All.Contains(grant))
                {
                    return (ErrorCodes.InvalidClientMetadata, $"unknown grant type '{grant}'; use {string.Join(", ", GrantTypes.All)}");
                }
            }
        }

        var method = request.TokenEndpointAuthMethod ?? TokenEndpointAuthMethods.ClientSecretBasic;
        if (method is not (TokenEndpointAuthMethods.ClientSecretBasic or TokenEndpointAuthMethods.ClientSecretPost or TokenEndpointAuthMethods.None))
        {
            return (ErrorCodes.InvalidClientMetadata, "token_endpoint_auth_method must be client_secret_basic, client_secret_post or none");
        }

        if (method == TokenEndpointAuthMethods.None && request.GrantTypes?.Contains(GrantTypes.ClientCredentials) != false)
        {
            return (ErrorCodes.InvalidClientMetadata, "a public client (token_endpoint_auth_method none) cannot use client_credentials");
        }

        if (request.RedirectUris is { } uris)
        {
            foreach (var uri in uris)
            {
                if (!RedirectUriPolicy.IsAllowed(uri, out var refused))
                {
                    return (ErrorCodes.InvalidRedirectUri, refused);
                }
            }
        }

        if ((ValidateSecret(request, method) ?? ValidateResponseTypes(request) ?? ValidateDescription(request)) is { } described)
        {
            return (ErrorCodes.InvalidClientMetadata, described);
        }

        if (request.AccessTokenLifetime is { } lifetime && lifetime is 0 or < -1)
        {
            return (ErrorCodes.InvalidClientMetadata, "access_token_lifetime must be a positive number of seconds, or -1 for tokens that never expire");
        }

        if (request.RefreshLimit is < 0)
        {
            return (ErrorCodes.InvalidClientMetadata, "refresh_limit must be 0 or more");
        }

        if (request.RateLimit is { } limit
            && (limit.Requests is < 1 or > Contracts.Admin.RateLimit.MaxRequests || limit.WindowSeconds is < 1 or > Contracts.Admin.RateLimit.MaxWindowSeconds))
        {
            return (ErrorCodes.InvalidClientMetadata, $"rate_limit needs requests from 1 to {Contracts.Admin.RateLimit.MaxRequests} and window_seconds from 1 to {Contracts.Admin.RateLimit.MaxWindowSeconds}");
        }

        // A refresh token is only issued to a client that may use it: say so rather than silently issue none.
        if (request.RefreshLimit > 0 && request.GrantTypes?.Contains(GrantTypes.RefreshToken) != true)
        {
            return (ErrorCodes.InvalidClientMetadata, "refresh_limit above 0 needs refresh_token in grant_types");
        }

        return null;
    }

    /// <summary>An imported <c>client_secret</c> and <c>client_secret_expires_at</c>; the problem, or null.</summary>
    private static string? ValidateSecret(ClientMetadataRequest request, string method)
    {
        if (request.ClientSecret is { } secret)
        {
            if (method == TokenEndpointAuthMethods.None)
            {
                return "a public client (token_endpoint_auth_method none) has no client_secret";
            }

            if (secret.Length is < ClientSecrets.MinimumImportedLength or > ClientSecrets.MaximumImportedLength || secret.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || secret.Contains('\u007f', StringComparison.Ordinal))
            {
                return $"client_secret must be {ClientSecrets.MinimumImportedLength}-{ClientSecrets.MaximumImportedLength} characters without control characters (a shorter secret can be guessed)";
            }
        }

        return request.ClientSecretExpiresAt is < 0 ? "client_secret_expires_at must be Unix seconds, or 0 for a secret that does not expire" : null;
    }

    /// <summary>RFC 7591 section 2.1: response_types agree with grant_types (code with authorization_code, token with implicit).</summary>
    private static string? ValidateResponseTypes(ClientMetadataRequest request)
    {
        if (request.ResponseTypes is not { } responseTypes)
        {
            return null;
        }

        var grants = request.GrantTypes ?? [GrantTypes.ClientCredentials];
        foreach (var responseType in responseTypes)
        {
            var grant = responseType switch
            {
                ResponseTypeCode => GrantTypes.AuthorizationCode,
                ResponseTypeToken => GrantTypes.Implicit,
                _ => null,
            };
            if (grant is null)
            {
                return $"unknown response type '{responseType}'; use code or token";
            }

            if (!grants.Contains(grant))
            {
                return $"response type '{responseType}' needs grant type {grant} in grant_types (RFC 7591 section 2.1)";
            }
        }

        if (grants.Contains(GrantTypes.AuthorizationCode) && !responseTypes.Contains(ResponseTypeCode))
        {
            return "grant type authorization_code needs response type code in response_types (RFC 7591 section 2.1)";
        }

        return grants.Contains(GrantTypes.Implicit) && !responseTypes.Contains(ResponseTypeToken)
            ? "grant type implicit needs response type token in response_types (RFC 7591 section 2.1)"
            : null;
    }

    /// <summary>The descriptive RFC 7591 fields: URLs absolute http(s) (jwks_uri https), short strings; the problem, or null.</summary>
    private static string? ValidateDescription(ClientMetadataRequest request)
    {
        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("client_uri", request.ClientUri), ("logo_uri", request.LogoUri), ("tos_uri", request.TosUri), ("policy_uri", request.PolicyUri), ("jwks_uri", request.JwksUri)])
        {
            if (value is null)
            {
                continue;
            }

            var secureOnly = name == "jwks_uri";
            if (value.Length > MaxUriLength || !Uri.TryCreate(value, UriKind.Absolute, out var parsed)
                || !(parsed.Scheme == Uri.UriSchemeHttps || (!secureOnly && parsed.Scheme == Uri.UriSchemeHttp)))
            {
                return $"{name} must be an absolute {(secureOnly ? "https" : "http(s)")} URL of at most {MaxUriLength} characters";
            }
        }

        if (request.Contacts is { } contacts && (contacts.Count > 20 || contacts.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > 320)))
        {
            return "contacts must be at most 20 non-empty values of at most 320 characters (usually e-mail addresses)";
        }

        return request.SoftwareId is { Length: > 200 } || request.SoftwareVersion is { Length: > 200 }
            ? "software_id and software_version are at most 200 characters"
            : null;
    }
}
