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

    private static readonly System.Buffers.SearchValues<char> ClientIdChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-");

    /// <summary>Registers a client; 201 with the client information and its secret (shown once).</summary>
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

        var secret = request.TokenEndpointAuthMethod == TokenEndpointAuthMethods.None ? null : ClientSecrets.Generate();
        var client = ToClient(request, secret, time.GetUtcNow().ToUnixTimeSeconds());

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
        await context.Response.WriteAsJsonAsync(ClientInformation.From(client, secret), GatewayJsonContext.Default.ClientInformationResponse);
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

        await context.Response.WriteAsJsonAsync(ClientInformation.From(client, null), GatewayJsonContext.Default.ClientInformationResponse);
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
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Fragment.Length != 0)
                {
                    return (ErrorCodes.InvalidRedirectUri, $"redirect URI '{uri}' must be absolute and without a fragment (RFC 6749 section 3.1.2)");
                }
            }
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
}
