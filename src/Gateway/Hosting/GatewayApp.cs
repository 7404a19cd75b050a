using FastGateway.Contracts.Admin;
using FastGateway.Audit;
using FastGateway.Admin;
using FastGateway.Authorization;
using FastGateway.Authorize;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.OAuth;
using FastGateway.OpenApi;
using FastGateway.Proxy;
using FastGateway.Scopes;
using FastGateway.TokenLifecycle;
using FastGateway.TokenStore;
using FastGateway.Users;

namespace FastGateway.Hosting;

/// <summary>
/// Builds the FastGateway process: the authorization server endpoints, the admin API and the
/// protected-API proxy on one Kestrel host (ASP.NET Core slim builder).
/// </summary>
/// <remarks>
/// <code>
/// request ──► ProtectedApiMiddleware ── under an API base path? ──► validate ──► forward upstream
///                    │ no
///                    ▼
///             endpoint routing: /oauth2/authorize, /oauth2/token, /admin/v1/..., /healthz, /readyz, else 404 JSON
/// </code>
/// </remarks>
public static class GatewayApp
{
    /// <summary>
    /// Builds the app from standard .NET configuration (appsettings.json, environment variables with
    /// <c>__</c>, <c>--Key=Value</c> arguments, <c>--urls</c>). Opens and recovers the token store.
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <exception cref="InvalidOperationException">Configuration is incomplete (e.g. an upstream is missing) or the data folder is in use.</exception>
    /// <exception cref="InvalidDataException">A state file under <c>Storage:Path</c> is corrupt.</exception>
    public static WebApplication Build(string[] args)
    {
        // appsettings.json ships beside the binary; Storage:Path and other relative paths stay relative to the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Upstream field values are passed through byte for byte (obs-text included, RFC 9110 section 5.5).
            kestrel.ResponseHeaderEncodingSelector = static _ => System.Text.Encoding.Latin1;
            // Keeps every option of the client's Connection field for hop-by-hop removal (see the type).
            kestrel.RequestHeaderEncodingSelector = FastGateway.Proxy.ConnectionFieldEncoding.Select;
            // The slim builder binds only Kestrel's endpoints from configuration: the request-body limit (the standard
            // key; proxied bodies are held to it) is read here.
            if (builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") is { } maxRequestBody)
            {
                kestrel.Limits.MaxRequestBodySize = maxRequestBody;
            }
        });

        var configuration = builder.Configuration;
        var proxyOptions = configuration.GetSection("Proxy").Get<ProxyOptions>() ?? new ProxyOptions();
        if (proxyOptions.InlineScheduling)
        {
            UseInlineScheduling(builder);
        }

        var services = builder.Services;
        services.Configure<OAuthOptions>(configuration.GetSection("OAuth"));
        services.Configure<StorageOptions>(configuration.GetSection("Storage"));
        services.Configure<AdminOptions>(configuration.GetSection("Admin"));
        services.Configure<ProxyOptions>(configuration.GetSection("Proxy"));

        var storage = configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        // Registered through factories so the container disposes them at shutdown (the store's final checkpoint, then the lock).
        var storageLock = StorageLock.Acquire(storage.Path);
        services.AddSingleton(_ => storageLock);
        // Blocking here is safe: it runs once at start-up, before the server exists, with no synchronization context.
        services.AddSingleton(sp => FasterTokenStore.OpenAsync(
            new TokenStoreOptions { Path = Path.Combine(storage.Path, "tokens"), MemorySizeBytes = storage.MemorySizeBytes, ReadCacheMemorySizeBytes = storage.ReadCacheMemorySizeBytes },
            sp.GetRequiredService<ILogger<FasterTokenStore>>()).GetAwaiter().GetResult());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ScopeCatalog.Load(storage.Path));
        services.AddSingleton(ClientRegistry.Load(storage.Path));
        services.AddSingleton(UserRegistry.Load(storage.Path));
        services.AddSingleton(ClientRegistry.LoadDeleted(storage.Path));
        services.AddSingleton(sp => FastGateway.Settings.RuntimeSettings.Load(storage.Path, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OAuthOptions>>().Value));
        services.AddSingleton<TokenStanding>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SettingsAdminEndpoints>();
        // Built now so a missing or malformed upstream stops the start; the factory hands it to the container to dispose.
        var upstreams = UpstreamTable.FromConfiguration(configuration, proxyOptions);
        services.AddSingleton(_ => upstreams);
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<AuthorizationCodes>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<FastGateway.OAuth.Grants.ClientCredentialsGrant>();
        services.AddSingleton<FastGateway.OAuth.Grants.AuthorizationCodeGrant>();
        services.AddSingleton<FastGateway.OAuth.Grants.PasswordGrant>();
        services.AddSingleton<FastGateway.OAuth.Grants.RefreshTokenGrant>();
        services.AddSingleton<AdminAuthorization>();
        services.AddSingleton<ClientAdminEndpoints>();
        services.AddSingleton<UserAdminEndpoints>();
        services.AddSingleton<AccessValidator>();
        services.AddSingleton<HttpForwarder>();
        services.AddSingleton<ProtectedApiMiddleware>();
        services.AddIntrospectionRevocationAndMetadata();
        AuthorizeEndpoint.AddServices(services, configuration, storage.Path);
        services.AddGatewayOpenApi();
        services.AddSingleton<ExpiredTokenRemover>();
        services.AddSingleton<TokenAdminEndpoints>();
        services.AddHostedService<TokenSweepService>();

        var app = builder.Build();
        app.Services.GetRequiredService<StorageLock>();
        // Recover the store before listening, so /readyz and the first request see every token.
        var tokenStore = app.Services.GetRequiredService<FasterTokenStore>();
        BootstrapClients(configuration, app.Services.GetRequiredService<DurableRegistry<OAuthClient>>(), app.Services.GetRequiredService<DurableRegistry<DeletedClient>>(), app.Logger);
        app.Services.GetRequiredService<FastGateway.Settings.RuntimeSettings>(); // a corrupt settings.json stops the start, not the first token request
        BootstrapUsers(configuration, app.Services.GetRequiredService<DurableRegistry<ResourceOwner>>());

        // First: proxied requests skip the rest of the pipeline (the forwarder answers its own failures in JSON).
        var proxy = app.Services.GetRequiredService<ProtectedApiMiddleware>();
        app.Use(next => context => proxy.InvokeAsync(context, next));
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => ErrorResponse.WriteAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log"),
        });

        // After the proxy, so upstream responses pass untouched: only the gateway's own empty 404/405s get a JSON body.
        app.UseStatusCodePages(pages => pages.HttpContext.Response.StatusCode == 405
            ? ErrorResponse.WriteAsync(pages.HttpContext, 405, ErrorCodes.MethodNotAllowed, $"{pages.HttpContext.Request.Method} is not allowed on {pages.HttpContext.Request.Path}")
            : ErrorResponse.WriteAsync(pages.HttpContext, pages.HttpContext.Response.StatusCode, ErrorCodes.NotFound, $"nothing here: {pages.HttpContext.Request.Method} {pages.HttpContext.Request.Path}"));

        // Explicit, so it runs here: WebApplication would otherwise put endpoint routing first, matching every
        // proxied request against the gateway's own endpoints before the proxy sees it (0.8% of its CPU under load).
        app.UseRouting();

        var token = app.Services.GetRequiredService<TokenEndpoint>();
        app.MapIntrospectionRevocationAndMetadata(token.HandleAsync);
        AuthorizeEndpoint.Map(app);

        var admin = app.Services.GetRequiredService<AdminAuthorization>();
        var clients = app.Services.GetRequiredService<ClientAdminEndpoints>();
        app.MapPost("/admin/v1/clients", admin.Require(clients.CreateAsync))
            .DocumentAdmin("Register an application", "RFC 7591 client metadata plus `access_token_lifetime` (seconds, -1 = never expires) and `refresh_limit`; unknown fields are refused. "
                + "Answers 201 with the client information and, for a confidential client, its `client_secret`, shown this once (stored only as a SHA-256 hash).")
            .AcceptsJson<ClientMetadataRequest>()
            .Returns<ClientInformationResponse>(201)
            .Errors(409);
        app.MapGet("/admin/v1/clients/{client_id}", admin.Require(clients.GetAsync))
            .DocumentAdmin("Read an application", "The client information (RFC 7591 section 3.2.1) without the secret.")
            .Returns<ClientInformationResponse>()
            .Errors(404);
        var users = app.Services.GetRequiredService<UserAdminEndpoints>();
        app.MapPost("/admin/v1/users", admin.Require(users.CreateAsync))
            .DocumentAdmin("Create a user", "A resource owner for the authorization code, implicit and password grants. The password is stored only as a PBKDF2-SHA256 hash and never echoed.")
            .AcceptsJson<UserCreateRequest>()
            .Returns<UserResponse>(201)
            .Errors(409);
        app.MapGet("/admin/v1/users/{username}", admin.Require(users.GetAsync))
            .DocumentAdmin("Read a user", "The username and creation time (never the password).")
            .Returns<UserResponse>()
            .Errors(404);
        app.MapGet("/admin/v1/clients", admin.Require(clients.ListAsync))
            .DocumentAdmin("List applications", "Paged, ordered by client_id: ?limit= (1-500, default 50) and ?cursor= (the previous page's next_cursor). Never shows secrets.")
            .Returns<ClientListResponse>()
            .Errors(400);
        app.MapPatch("/admin/v1/clients/{client_id}", admin.Require(clients.PatchAsync))
            .DocumentAdmin("Update an application", "Changes only the RFC 7591 fields sent (plus suspended: true suspends, false resumes), validated like a registration. Switching to a secret method returns the new secret once.")
            .AcceptsJson<ClientPatchRequest>()
            .Returns<ClientInformationResponse>()
            .Errors(404, 409);
        app.MapDelete("/admin/v1/clients/{client_id}", admin.Require(clients.DeleteAsync))
            .DocumentAdmin("Delete an application", "Its tokens stop working at once, on the next request.")
            .ReturnsEmpty(204, "Deleted.")
            .Errors(404);
        app.MapPost("/admin/v1/clients/{client_id}/secret", admin.Require(clients.RotateSecretAsync))
            .DocumentAdmin("Rotate an application's secret", "Returns the new secret once; the old one stops working at the token endpoint at once. Issued tokens stay valid.")
            .Returns<ClientInformationResponse>()
            .Errors(400, 404, 409);
        app.MapGet("/admin/v1/users", admin.Require(users.ListAsync))
            .DocumentAdmin("List users", "Paged, ordered by username: ?limit= (1-500, default 50) and ?cursor=.")
            .Returns<UserListResponse>()
            .Errors(400);
        app.MapPatch("/admin/v1/users/{username}", admin.Require(users.PatchAsync))
            .DocumentAdmin("Change a user's password", "The password is stored only as a PBKDF2-SHA256 hash; issued tokens stay valid.")
            .AcceptsJson<UserPatchRequest>()
            .Returns<UserResponse>()
            .Errors(404, 409);
        app.MapDelete("/admin/v1/users/{username}", admin.Require(users.DeleteAsync))
            .DocumentAdmin("Delete a user", "The user's tokens stop working at once, on the next request.")
            .ReturnsEmpty(204, "Deleted.")
            .Errors(404);
        var settings = app.Services.GetRequiredService<SettingsAdminEndpoints>();
        app.MapGet("/admin/v1/settings", admin.Require(settings.GetAsync))
            .DocumentAdmin("Read runtime settings", "Default access-token lifetime and authorization-code lifetime, in seconds.")
            .Returns<GatewaySettings>();
        app.MapPatch("/admin/v1/settings", admin.Require(settings.PatchAsync))
            .DocumentAdmin("Change runtime settings", "Takes effect for the next token or code and is persisted (settings.json).")
            .AcceptsJson<GatewaySettings>()
            .Returns<GatewaySettings>();

        var tokens = app.Services.GetRequiredService<TokenAdminEndpoints>();
        app.MapGet("/admin/v1/tokens", admin.Require(tokens.ListAsync))
            .DocumentAdmin("List tokens", "Metadata only, never a token: token_id, token_type, client_id, owner, scope, status, issued_at, expires_at. Filters ?client_id= ?owner= ?status=active|expired|revoked|consumed; paged by ?limit= (1-1000, default 100) and ?cursor=.")
            .Returns<TokenListResponse>()
            .Errors(400);
        app.MapDelete("/admin/v1/tokens/{token_id}", admin.Require(tokens.DeleteAsync))
            .DocumentAdmin("Revoke a token by id", "token_id is the base64url SHA-256 key from the listing. Revoking a refresh token revokes its grant. Effective on the next request.")
            .ReturnsEmpty(204, "Revoked.")
            .Errors(404);
        app.MapPost("/admin/v1/tokens/revoke", admin.Require(tokens.RevokeAsync))
            .DocumentAdmin("Revoke tokens in bulk", "Exactly one of token, client_id or owner (\"log out everywhere\"); returns how many usable tokens were revoked.")
            .AcceptsJson<TokenRevokeRequest>()
            .Returns<TokenRevokeResponse>();
        app.MapPost("/admin/v1/tokens/remove-expired", admin.Require(tokens.RemoveExpiredAsync))
            .DocumentAdmin("Remove expired tokens", "Deletes expired tokens and codes durably, then compacts the store; returns how many were removed (webMethods removeExpiredAccessTokens).")
            .Returns<TokenRemoveResponse>();
        app.MapPost("/invoke/pub.oauth/removeExpiredAccessTokens", admin.Require(tokens.RemoveExpiredAsync))
            .DocumentAdmin("Remove expired tokens (webMethods URL)", "Same as POST /admin/v1/tokens/remove-expired, at the webMethods service path; needs the admin key.")
            .Returns<TokenRemoveResponse>();

        app.MapGet("/healthz", context => context.Response.WriteAsJsonAsync(new HealthResponse("live"), GatewayJsonContext.Default.HealthResponse))
            .DocumentHealth("Liveness", "200 `{\"status\":\"live\"}` while the process runs.")
            .Returns<HealthResponse>();
        app.MapGet("/readyz", context =>
        {
            var ready = tokenStore.IsReady;
            context.Response.StatusCode = ready ? 200 : 503;
            return context.Response.WriteAsJsonAsync(new HealthResponse(ready ? "ready" : "not_ready"), GatewayJsonContext.Default.HealthResponse);
        })
            .DocumentHealth("Readiness", "200 `{\"status\":\"ready\"}` once the token store is recovered, else 503 `{\"status\":\"not_ready\"}`.")
            .Returns<HealthResponse>()
            .Returns<HealthResponse>(503);
        app.MapGatewayOpenApi();
        return app;
    }

    /// <summary>
    /// <see cref="ProxyOptions.InlineScheduling"/>: Kestrel runs request code where the socket operation completed, and
    /// the runtime completes socket operations on its epoll threads, so a proxied request makes no thread-pool hop.
    /// </summary>
    /// <remarks>
    /// The runtime reads both variables once, when the first socket registers with epoll; no socket is open yet here.
    /// Values the operator set (0 included) are left alone. Twice as many socket threads as cores: with one per core,
    /// a socket thread that the kernel preempted (cores shared with the upstream, a sidecar, a load generator) held up
    /// half the connections, and p99 latency doubled (perf/RESULTS.md, 2026-11-22).
    /// </remarks>
    private static void UseInlineScheduling(WebApplicationBuilder builder)
    {
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        SetUnlessSet("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        SetUnlessSet("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", (2 * Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture));

        static void SetUnlessSet(string variable, string value)
        {
            if (Environment.GetEnvironmentVariable(variable) is null)
            {
                Environment.SetEnvironmentVariable(variable, value);
            }
        }
    }

    /// <summary>
    /// Creates the clients listed under <c>Bootstrap:Clients</c>, or resets their secret and settings (keeping
    /// client_id_issued_at and suspension). A client deleted through the admin API is not recreated: the start
    /// logs a warning naming it, until it is removed from configuration or registered again with POST /admin/v1/clients.
    /// </summary>
    private static void BootstrapClients(ConfigurationManager configuration, DurableRegistry<OAuthClient> registry, DurableRegistry<DeletedClient> deleted, ILogger logger)
    {
        foreach (var section in configuration.GetSection("Bootstrap:Clients").GetChildren())
        {
            var options = section.Get<BootstrapClientOptions>() ?? new BootstrapClientOptions();
            if (string.IsNullOrEmpty(options.ClientId) || string.IsNullOrEmpty(options.ClientSecret))
            {
                throw new InvalidOperationException($"{section.Path} needs ClientId and ClientSecret.");
            }

            var metadata = new ClientMetadataRequest(options.ClientId, options.ClientName, options.Scope, null, null, null, options.AccessTokenLifetime, null);
            if (ClientAdminEndpoints.Validate(metadata) is { } invalid)
            {
                throw new InvalidOperationException($"{section.Path}: {invalid.Description}");
            }

            var exists = registry.TryGet(options.ClientId, out var existing);
            if (!exists && deleted.TryGet(options.ClientId, out var deletion))
            {
                logger.LogWarning("{Section}: client {ClientId} was deleted through the admin API at {DeletedAt} (Unix seconds) and is not recreated; remove it from configuration, or register it again with POST /admin/v1/clients", section.Path, options.ClientId, deletion.DeletedAt);
                continue;
            }

            var client = ClientAdminEndpoints.ToClient(metadata, options.ClientSecret, existing?.ClientIdIssuedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            registry.Upsert(client with { Suspended = existing?.Suspended ?? false });
        }
    }

    /// <summary>Creates the users listed under <c>Bootstrap:Users</c> (Username, Password), or resets their password.</summary>
    private static void BootstrapUsers(ConfigurationManager configuration, DurableRegistry<ResourceOwner> registry)
    {
        foreach (var section in configuration.GetSection("Bootstrap:Users").GetChildren())
        {
            var username = section["Username"];
            var password = section["Password"];
            if (UserAdminEndpoints.Validate(username, password) is { } problem)
            {
                throw new InvalidOperationException($"{section.Path}: {problem}");
            }

            if (registry.TryGet(username!, out var existing) && PasswordHasher.Verify(existing.PasswordHash, password!))
            {
                continue; // Unchanged: skip the write (and a second PBKDF2 run).
            }

            registry.Upsert(new ResourceOwner { Username = username!, PasswordHash = PasswordHasher.Hash(password!), CreatedAt = existing?.CreatedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
        }
    }
}
