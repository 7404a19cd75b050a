using FastGateway.Clients;
using FastGateway.Scopes;
using FastGateway.Settings;
using FastGateway.TokenLifecycle;
using FastGateway.TokenStore;
using FastGateway.Users;
using Microsoft.Extensions.Options;

namespace FastGateway.Hosting;

/// <summary>
/// The state under <c>Storage:Path</c>: the folder lock, the FASTER token store and its sweep, and the registries of
/// clients, users, deleted clients, scope schemas and runtime settings; the one rule for a token's standing
/// (<see cref="Validation.TokenStanding"/>) and the audit log over them.
/// </summary>
internal static class GatewayStorage
{
    /// <summary>
    /// Registers the data folder's lock and the stores. Nothing is read yet: <see cref="OpenGatewayStorage"/> takes the
    /// lock (waiting up to <c>Storage:LockTimeout</c> for a process that holds it) and then opens them.
    /// </summary>
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, StorageOptions storage)
    {
        // Registered through factories so the container disposes them at shutdown (the store's final checkpoint, then the
        // lock), and so every file under the folder is read only once the lock is held: each factory asks for it first.
        services.AddSingleton(sp => StorageLock.Acquire(storage.Path, TimeSpan.FromSeconds(storage.LockTimeout), sp.GetRequiredService<ILogger<StorageLock>>()));
        // Blocking here is safe: it runs once at start-up, before the server exists, with no synchronization context.
        services.AddSingleton(sp => Locked(sp, () => FasterTokenStore.OpenAsync(
            new TokenStoreOptions { Path = Path.Combine(storage.Path, "tokens"), MemorySizeBytes = storage.MemorySizeBytes, ReadCacheMemorySizeBytes = storage.ReadCacheMemorySizeBytes },
            sp.GetRequiredService<ILogger<FasterTokenStore>>()).GetAwaiter().GetResult()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Locked(sp, () => ScopeCatalog.Load(storage.Path)));
        services.AddSingleton(sp => Locked(sp, () => ClientRegistry.Load(storage.Path)));
        services.AddSingleton(sp => Locked(sp, () => UserRegistry.Load(storage.Path)));
        services.AddSingleton(sp => Locked(sp, () => ClientRegistry.LoadDeleted(storage.Path)));
        services.AddSingleton(sp => Locked(sp, () => RuntimeSettings.Load(storage.Path, sp.GetRequiredService<IOptions<OAuthOptions>>().Value)));
        services.AddSingleton<Validation.TokenStanding>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<ExpiredTokenRemover>();
        services.AddHostedService<TokenSweepService>();
        return services;
    }

    /// <summary>
    /// Recovers the token store before the server listens (so <c>/readyz</c> and the first request see every token),
    /// reads the settings, and applies <c>Bootstrap:Clients</c> and <c>Bootstrap:Users</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another process still holds the data folder after <c>Storage:LockTimeout</c>,
    /// or a bootstrap entry is invalid.</exception>
    /// <exception cref="InvalidDataException">A state file is corrupt.</exception>
    public static WebApplication OpenGatewayStorage(this WebApplication app)
    {
        app.Services.GetRequiredService<StorageLock>();
        app.Services.GetRequiredService<ScopeCatalog>();
        app.Services.GetRequiredService<FasterTokenStore>();
        ClientBootstrap.Apply(app.Configuration, app.Services.GetRequiredService<DurableRegistry<OAuthClient>>(), app.Services.GetRequiredService<DurableRegistry<DeletedClient>>(), app.Logger);
        app.Services.GetRequiredService<RuntimeSettings>(); // a corrupt settings.json stops the start, not the first token request
        UserBootstrap.Apply(app.Configuration, app.Services.GetRequiredService<DurableRegistry<ResourceOwner>>());
        return app;
    }

    /// <summary>Runs <paramref name="open"/> once the data folder's lock is held.</summary>
    private static T Locked<T>(IServiceProvider services, Func<T> open)
    {
        services.GetRequiredService<StorageLock>();
        return open();
    }
}
