using FastGateway.Validation;
using FastGateway.Clients;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using FastGateway.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastGateway.Benchmarks;

/// <summary>
/// The gateway's validation dependencies over a real FASTER store in a fresh temp folder: the same construction
/// as <c>tests/Gateway.Tests</c> (<c>TempStoreFolder</c>, <c>AccessValidatorTests</c>). Deleted on dispose.
/// </summary>
internal sealed class BenchmarkGateway : IAsyncDisposable
{
    /// <summary>The client every benchmark token belongs to.</summary>
    public const string ClientId = "bench-client";

    /// <summary>A client with a quota too large to run out in a benchmark (<c>rate_limit</c> 1,000,000,000 per second).</summary>
    public const string QuotaClientId = "bench-quota-client";

    /// <summary>A client with a quota of one request a year: after its first request, every validation is refused (429).</summary>
    public const string ExhaustedClientId = "bench-exhausted-client";

    /// <summary>The resource owner of user tokens (<see cref="IssueAsync"/> with <c>user: true</c>).</summary>
    public const string Username = "bench-user";

    private BenchmarkGateway(string path, FasterTokenStore store, DurableRegistry<OAuthClient> clients, DurableRegistry<ResourceOwner> users, ScopeCatalog scopes)
    {
        Path = path;
        Store = store;
        Clients = clients;
        Users = users;
        Scopes = scopes;
        Standing = new TokenStanding(store, clients, users);
        Validator = new AccessValidator(store, Standing, scopes, TimeProvider.System);
    }

    public string Path { get; }

    public FasterTokenStore Store { get; }

    public DurableRegistry<OAuthClient> Clients { get; }

    public DurableRegistry<ResourceOwner> Users { get; }

    public ScopeCatalog Scopes { get; }

    public TokenStanding Standing { get; }

    public AccessValidator Validator { get; }

    /// <summary>Opens a store in a fresh temp folder and registers <see cref="ClientId"/> and <see cref="Username"/>.</summary>
    /// <param name="memorySizeBytes">In-memory log size, bytes; by default 4 MiB, as the tests use.</param>
    /// <param name="indexBuckets">Hash index buckets (a power of two); by default 2^14, as the tests use.</param>
    /// <param name="readCacheMemorySizeBytes">FASTER read cache size, bytes; 0 (default) is off, as the gateway runs.</param>
    public static async Task<BenchmarkGateway> OpenAsync(long memorySizeBytes = 1 << 22, int indexBuckets = 1 << 14, long readCacheMemorySizeBytes = 0)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastgateway-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        var options = new TokenStoreOptions { Path = path, MemorySizeBytes = memorySizeBytes, IndexBuckets = indexBuckets, ReadCacheMemorySizeBytes = readCacheMemorySizeBytes };
        var store = await FasterTokenStore.OpenAsync(options, NullLogger<FasterTokenStore>.Instance).ConfigureAwait(false);

        var registry = System.IO.Path.Combine(path, "registry");
        var clients = ClientRegistry.Load(registry);
        clients.Upsert(new OAuthClient
        {
            ClientId = ClientId,
            SecretHash = "",
            Scope = ScopeCatalog.AllNames,
            GrantTypes = ["client_credentials"],
            TokenEndpointAuthMethod = "client_secret_basic",
        });
        clients.Upsert(new OAuthClient
        {
            ClientId = QuotaClientId,
            SecretHash = "",
            Scope = ScopeCatalog.AllNames,
            GrantTypes = ["client_credentials"],
            TokenEndpointAuthMethod = "client_secret_basic",
            RateLimit = new Contracts.Admin.RateLimit(Contracts.Admin.RateLimit.MaxRequests, 1),
        });
        clients.Upsert(new OAuthClient
        {
            ClientId = ExhaustedClientId,
            SecretHash = "",
            Scope = ScopeCatalog.AllNames,
            GrantTypes = ["client_credentials"],
            TokenEndpointAuthMethod = "client_secret_basic",
            RateLimit = new Contracts.Admin.RateLimit(1, Contracts.Admin.RateLimit.MaxWindowSeconds),
        });
        var users = UserRegistry.Load(registry);
        users.Upsert(new ResourceOwner { Username = Username, PasswordHash = "", CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60 });
        return new BenchmarkGateway(path, store, clients, users, ScopeCatalog.Load(path));
    }

    /// <summary>Stores an active access token with every scope, valid for an hour, durably.</summary>
    /// <param name="user">
    /// false: a client-credentials token (no owner, no grant family). true: a user token as the authorization-code
    /// and password grants issue it, owned by <see cref="Username"/> in a new grant family (its record stored too).
    /// </param>
    /// <param name="clientId">The client the token is issued to; <see cref="ClientId"/> by default.</param>
    /// <returns>The token's text (what a client sends after <c>Bearer </c>).</returns>
    public async Task<string> IssueAsync(bool user = false, string clientId = ClientId)
    {
        var token = OAuth.AccessTokens.Generate();
        if (!TokenHash.TryCompute(token, out var key))
        {
            throw new InvalidOperationException("A generated token did not hash.");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var owner = user ? Username : null;
        var record = TokenRecord.Create(TokenKind.AccessToken, clientId, owner, GatewayDefinition.AllScopes, GatewayDefinition.ScopeSchemaId, now - 10, now + 3600);
        if (user)
        {
            record.FamilyId = await OAuth.GrantFamilies.StartAsync(Store, clientId, Username, GatewayDefinition.AllScopes, now - 10, CancellationToken.None).ConfigureAwait(false);
        }

        await Store.AddAsync(key, record, CancellationToken.None).ConfigureAwait(false);
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A FASTER file may still be held for a moment; the OS temp cleaner gets it.
        }
    }
}
