using FastGateway.Contracts.Admin;
using FastGateway.Hosting;
using FastGateway.OpenApi;

namespace FastGateway.Admin;

/// <summary>
/// The admin API (<c>/admin/v1</c>): applications, users, runtime settings and tokens, behind the admin key
/// (<see cref="AdminAuthorization"/>, one filter on the whole group), under <c>OAuth:RequireHttps</c>, and on its own
/// listener when <c>Admin:Urls</c> is set (<see cref="AdminListener"/>).
/// </summary>
internal static class AdminApi
{
    /// <summary>Adds the admin endpoints' services.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
    {
        services.AddSingleton<AdminAuthorization>();
        services.AddSingleton<ClientAdminEndpoints>();
        services.AddSingleton<UserAdminEndpoints>();
        services.AddSingleton<SettingsAdminEndpoints>();
        services.AddSingleton<TokenAdminEndpoints>();
        return services;
    }

    /// <summary>Reads <c>Admin:Urls</c> and has Kestrel listen there too (<see cref="AdminListener.Listen"/>).</summary>
    /// <exception cref="InvalidOperationException"><c>Admin:Urls</c> is malformed or shares a port with the public listener.</exception>
    public static WebApplicationBuilder AddAdminListener(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(AdminListener.Listen(builder));
        return builder;
    }

    /// <summary>With <c>Admin:Urls</c> set, keeps the admin listener to the admin API (<see cref="AdminListener.Gate"/>);
    /// goes before the proxy. Without it, adds nothing.</summary>
    public static WebApplication UseAdminListener(this WebApplication app)
    {
        var listener = app.Services.GetRequiredService<AdminListener>();
        if (listener.IsConfigured)
        {
            app.Use(listener.Gate);
        }

        return app;
    }

    /// <summary>Maps <c>/admin/v1/...</c> and the webMethods service path for expired-token removal.</summary>
    public static WebApplication MapAdminApi(this WebApplication app)
    {
        var key = app.Services.GetRequiredService<AdminAuthorization>();
        var listener = app.Services.GetRequiredService<AdminListener>();
        var https = app.Services.GetRequiredService<HttpsRequirement>();
        // Outermost first: the listener (404), then HTTPS (400), then the key (401/403), then the handler.
        RequestDelegate Protect(RequestDelegate handler) => listener.Guard(https, key.Require(handler));
        var admin = app.MapGroup("/admin/v1").RequireAdminKey(Protect);
        var clients = app.Services.GetRequiredService<ClientAdminEndpoints>();
        admin.MapPost("/clients", clients.CreateAsync)
            .DocumentAdmin("Register an application", "RFC 7591 client metadata (also `response_types`, `client_uri`, `logo_uri`, `contacts`, `tos_uri`, `policy_uri`, `jwks_uri`, `software_id`, `software_version`) plus `access_token_lifetime` (seconds, -1 = never expires), `refresh_limit`, `introspection` (may call the introspection endpoint) and `rate_limit` (`{\"requests\": N, \"window_seconds\": S}`: a quota on the protected APIs, over it 429 with Retry-After); unknown fields are refused. "
                + "To import an existing application, send its `client_id` and `client_secret` (at least 16 characters). "
                + "Answers 201 with the client information and, for a confidential client, its `client_secret`, shown this once (stored only as a SHA-256 hash).")
            .AcceptsJson<ClientMetadataRequest>()
            .Returns<ClientInformationResponse>(201)
            .Errors(409);
        admin.MapGet("/clients/{client_id}", clients.GetAsync)
            .DocumentAdmin("Read an application", "The client information (RFC 7591 section 3.2.1) without the secret.")
            .Returns<ClientInformationResponse>()
            .Errors(404);
        var users = app.Services.GetRequiredService<UserAdminEndpoints>();
        admin.MapPost("/users", users.CreateAsync)
            .DocumentAdmin("Create a user", "A resource owner for the authorization code, implicit and password grants. The password is stored only as a PBKDF2-SHA256 hash and never echoed.")
            .AcceptsJson<UserCreateRequest>()
            .Returns<UserResponse>(201)
            .Errors(409);
        admin.MapGet("/users/{username}", users.GetAsync)
            .DocumentAdmin("Read a user", "The username and creation time (never the password).")
            .Returns<UserResponse>()
            .Errors(404);
        admin.MapGet("/clients", clients.ListAsync)
            .DocumentAdmin("List applications", "Paged, ordered by client_id: ?limit= (1-500, default 50) and ?cursor= (the previous page's next_cursor). Never shows secrets.")
            .Returns<ClientListResponse>()
            .Errors(400);
        admin.MapPatch("/clients/{client_id}", clients.PatchAsync)
            .DocumentAdmin("Update an application", "Changes only the RFC 7591 fields sent (plus suspended: true suspends, false resumes), validated like a registration. Switching to a secret method returns the new secret once. "
                + "A narrowed `scope` narrows the client's live tokens at once; `\"rate_limit\": null` removes the quota.")
            .AcceptsJson<ClientPatchRequest>()
            .Returns<ClientInformationResponse>()
            .Errors(404, 409);
        admin.MapDelete("/clients/{client_id}", clients.DeleteAsync)
            .DocumentAdmin("Delete an application", "Its tokens stop working at once, on the next request.")
            .ReturnsEmpty(204, "Deleted.")
            .Errors(404);
        admin.MapPost("/clients/{client_id}/secret", clients.RotateSecretAsync)
            .DocumentAdmin("Rotate an application's secret", "Returns the new secret once. The old one stops working at once, or after `grace_seconds` (JSON body or query, 0-2592000) so deployed clients can switch over; `previous_client_secret_expires_at` says when. Issued tokens stay valid.")
            .AcceptsJson<SecretRotationRequest>()
            .Returns<ClientInformationResponse>()
            .Errors(400, 404, 409);
        admin.MapGet("/users", users.ListAsync)
            .DocumentAdmin("List users", "Paged, ordered by username: ?limit= (1-500, default 50) and ?cursor=.")
            .Returns<UserListResponse>()
            .Errors(400);
        admin.MapPatch("/users/{username}", users.PatchAsync)
            .DocumentAdmin("Change a user's password", "The password is stored only as a PBKDF2-SHA256 hash; issued tokens stay valid.")
            .AcceptsJson<UserPatchRequest>()
            .Returns<UserResponse>()
            .Errors(404, 409);
        admin.MapDelete("/users/{username}", users.DeleteAsync)
            .DocumentAdmin("Delete a user", "The user's tokens stop working at once, on the next request.")
            .ReturnsEmpty(204, "Deleted.")
            .Errors(404);
        var settings = app.Services.GetRequiredService<SettingsAdminEndpoints>();
        admin.MapGet("/settings", settings.GetAsync)
            .DocumentAdmin("Read runtime settings", "Default access-token lifetime and authorization-code lifetime, in seconds.")
            .Returns<GatewaySettings>();
        admin.MapPatch("/settings", settings.PatchAsync)
            .DocumentAdmin("Change runtime settings", "Takes effect for the next token or code and is persisted (settings.json).")
            .AcceptsJson<GatewaySettings>()
            .Returns<GatewaySettings>();

        var tokens = app.Services.GetRequiredService<TokenAdminEndpoints>();
        admin.MapGet("/tokens", tokens.ListAsync)
            .DocumentAdmin("List tokens", "Metadata only, never a token: token_id, token_type, client_id, owner, scope, status, issued_at, expires_at. Filters ?client_id= ?owner= ?status=active|expired|revoked|consumed; paged by ?limit= (1-1000, default 100) and ?cursor=.")
            .Returns<TokenListResponse>()
            .Errors(400);
        admin.MapDelete("/tokens/{token_id}", tokens.DeleteAsync)
            .DocumentAdmin("Revoke a token by id", "token_id is the base64url SHA-256 key from the listing. Revoking a refresh token revokes its grant. Effective on the next request.")
            .ReturnsEmpty(204, "Revoked.")
            .Errors(404);
        admin.MapPost("/tokens/revoke", tokens.RevokeAsync)
            .DocumentAdmin("Revoke tokens in bulk", "Exactly one of token, client_id or owner (\"log out everywhere\"); returns how many usable tokens were revoked.")
            .AcceptsJson<TokenRevokeRequest>()
            .Returns<TokenRevokeResponse>();
        admin.MapPost("/tokens/remove-expired", tokens.RemoveExpiredAsync)
            .DocumentAdmin("Remove expired tokens", "Deletes expired tokens and codes durably, then compacts the store; returns how many were removed (webMethods removeExpiredAccessTokens).")
            .Returns<TokenRemoveResponse>();
        admin.MapGet("/definition", DefinitionAdminEndpoints.GetAsync).DocumentAdmin("Read the compiled definition", "The APIs, resources, API scopes and scope mappings compiled into this binary from gateway.json, sorted by name, and `hash` (`sha256:` + hex of the canonical text form): compare it across builds or nodes. Same document as `FastGateway definition --json`.").Returns<DefinitionResponse>();
        app.MapPost("/invoke/pub.oauth/removeExpiredAccessTokens", tokens.RemoveExpiredAsync)
            .RequireAdminKey(Protect)
            .DocumentAdmin("Remove expired tokens (webMethods URL)", "Same as POST /admin/v1/tokens/remove-expired, at the webMethods service path; needs the admin key.")
            .Returns<TokenRemoveResponse>();
        return app;
    }

    /// <summary>Puts the admin checks (<paramref name="protect"/>: listener, HTTPS, key) in front of every endpoint of <paramref name="builder"/>.</summary>
    private static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder, Func<RequestDelegate, RequestDelegate> protect)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.RequestDelegate = protect(endpoint.RequestDelegate!));
        return builder;
    }
}
