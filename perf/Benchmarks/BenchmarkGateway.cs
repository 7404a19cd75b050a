using FastGateway.Authorization;
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

    /// <summary>Opens a store (4 MiB log in memory, 2^14 index buckets, as the tests use) and registers <see cref="ClientId"/>.</summary>
    public static async Task<BenchmarkGateway> OpenAsync()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastgateway-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        var options = new TokenStoreOptions { Path = path, MemorySizeBytes = 1 << 22, IndexBuckets = 1 << 14 };
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
        var users = UserRegistry.Load(registry);
        return new BenchmarkGateway(path, store, clients, users, ScopeCatalog.Load(path));
    }

    /// <summary>Stores an active client-credentials access token with every scope, valid for an hour, durably.</summary>
    /// <returns>The token's text (what a client sends after <c>Bearer </c>).</returns>
    public async Task<string> IssueAsync()
    {
        var token = OAuth.AccessTokens.Generate();
        if (!TokenHash.TryCompute(token, out var key))
        {
            throw new InvalidOperationException("A generated token did not hash.");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var record = TokenRecord.Create(TokenKind.AccessToken, ClientId, owner: null, GatewayDefinition.AllScopes, GatewayDefinition.ScopeSchemaId, now - 10, now + 3600);
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
