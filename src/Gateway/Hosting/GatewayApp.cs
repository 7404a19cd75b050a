using FastGateway.Admin;
using FastGateway.Authorization;
using FastGateway.Authorize;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.OAuth;
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
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var configuration = builder.Configuration;
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
            new TokenStoreOptions { Path = Path.Combine(storage.Path, "tokens"), MemorySizeBytes = storage.MemorySizeBytes },
            sp.GetRequiredService<ILogger<FasterTokenStore>>()).GetAwaiter().GetResult());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ScopeCatalog.Load(storage.Path));
        services.AddSingleton(ClientRegistry.Load(storage.Path));
        services.AddSingleton(UserRegistry.Load(storage.Path));
        services.AddSingleton(UpstreamTable.FromConfiguration(configuration));
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
        services.AddSingleton<IdentityStrings>();
        services.AddSingleton<ProtectedApiMiddleware>();
        services.AddIntrospectionRevocationAndMetadata();
        AuthorizeEndpoint.AddServices(services, configuration, storage.Path);
        services.AddSingleton<ExpiredTokenRemover>();
        services.AddSingleton<TokenAdminEndpoints>();
        services.AddHostedService<TokenSweepService>();

        var app = builder.Build();
        app.Services.GetRequiredService<StorageLock>();
        // Recover the store before listening, so /readyz and the first request see every token.
        var tokenStore = app.Services.GetRequiredService<FasterTokenStore>();
        BootstrapClients(configuration, app.Services.GetRequiredService<DurableRegistry<OAuthClient>>());
        BootstrapUsers(configuration, app.Services.GetRequiredService<DurableRegistry<ResourceOwner>>());

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => ErrorResponse.WriteAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log"),
        });
        var proxy = app.Services.GetRequiredService<ProtectedApiMiddleware>();
        app.Use(next => context => proxy.InvokeAsync(context, next));
        // After the proxy, so upstream responses pass untouched: only the gateway's own empty 404/405s get a JSON body.
        app.UseStatusCodePages(pages => pages.HttpContext.Response.StatusCode == 405
            ? ErrorResponse.WriteAsync(pages.HttpContext, 405, ErrorCodes.MethodNotAllowed, $"{pages.HttpContext.Request.Method} is not allowed on {pages.HttpContext.Request.Path}")
            : ErrorResponse.WriteAsync(pages.HttpContext, pages.HttpContext.Response.StatusCode, ErrorCodes.NotFound, $"nothing here: {pages.HttpContext.Request.Method} {pages.HttpContext.Request.Path}"));

        var token = app.Services.GetRequiredService<TokenEndpoint>();
        app.MapIntrospectionRevocationAndMetadata(token.HandleAsync);
        AuthorizeEndpoint.Map(app);

        var admin = app.Services.GetRequiredService<AdminAuthorization>();
        var clients = app.Services.GetRequiredService<ClientAdminEndpoints>();
        app.MapPost("/admin/v1/clients", admin.Require(clients.CreateAsync));
        app.MapGet("/admin/v1/clients/{client_id}", admin.Require(clients.GetAsync));
        var users = app.Services.GetRequiredService<UserAdminEndpoints>();
        app.MapPost("/admin/v1/users", admin.Require(users.CreateAsync));
        app.MapGet("/admin/v1/users/{username}", admin.Require(users.GetAsync));

        var tokens = app.Services.GetRequiredService<TokenAdminEndpoints>();
        app.MapGet("/admin/v1/tokens", admin.Require(tokens.ListAsync));
        app.MapDelete("/admin/v1/tokens/{token_id}", admin.Require(tokens.DeleteAsync));
        app.MapPost("/admin/v1/tokens/revoke", admin.Require(tokens.RevokeAsync));
        app.MapPost("/admin/v1/tokens/remove-expired", admin.Require(tokens.RemoveExpiredAsync));
        app.MapPost("/invoke/pub.oauth/removeExpiredAccessTokens", admin.Require(tokens.RemoveExpiredAsync));

        app.MapGet("/healthz", context => context.Response.WriteAsJsonAsync(new HealthResponse("live"), GatewayJsonContext.Default.HealthResponse));
        app.MapGet("/readyz", context =>
        {
            var ready = tokenStore.IsReady;
            context.Response.StatusCode = ready ? 200 : 503;
            return context.Response.WriteAsJsonAsync(new HealthResponse(ready ? "ready" : "not_ready"), GatewayJsonContext.Default.HealthResponse);
        });
        return app;
    }

    /// <summary>Creates the clients listed under <c>Bootstrap:Clients</c>, or resets their secret and settings.</summary>
    private static void BootstrapClients(ConfigurationManager configuration, DurableRegistry<OAuthClient> registry)
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

            registry.TryGet(options.ClientId, out var existing);
            registry.Upsert(ClientAdminEndpoints.ToClient(metadata, options.ClientSecret, existing?.ClientIdIssuedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
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
