using FastGateway.Validation;
using FastGateway.Clients;
using FastGateway.Hosting;
using FastGateway.Tests.Infrastructure;
using FastGateway.Users;
using FastGateway.TokenStore;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastGateway.Tests.TokenStore;

/// <summary>A temporary store folder (a <see cref="TempFolder"/>), deleted on dispose, and helpers to build keys and records.</summary>
internal sealed class TempStoreFolder : IDisposable
{
    private readonly TempFolder _folder = new();

    public string Path => _folder.Path;

    public TokenStoreOptions Options(long memorySizeBytes = 1 << 22, int writeSessions = 32) =>
        new() { Path = Path, MemorySizeBytes = memorySizeBytes, IndexBuckets = 1 << 14, WriteSessions = writeSessions };

    public Task<FasterTokenStore> OpenAsync(long memorySizeBytes = 1 << 22, int writeSessions = 32) =>
        FasterTokenStore.OpenAsync(Options(memorySizeBytes, writeSessions), NullLogger<FasterTokenStore>.Instance);

    public static TokenHash Key(string token)
    {
        Assert.True(TokenHash.TryCompute(token, out var key));
        return key;
    }

    public static TokenRecord Record(string clientId, ulong scopes, long issuedAt = 1_700_000_000, string? owner = null) =>
        TokenRecord.Create(TokenKind.AccessToken, clientId, owner, scopes, scopeSchemaId: 7, issuedAt, issuedAt + 3600);

    /// <summary>
    /// Client and user registries (in a <c>registry</c> subfolder) holding <paramref name="clientIds"/> and
    /// <paramref name="usernames"/>, created at Unix time 0 so any test token is issued after them. The clients may have
    /// every scope, so a token's own scopes decide.
    /// </summary>
    public (DurableRegistry<OAuthClient> Clients, DurableRegistry<ResourceOwner> Users) Registries(string[] clientIds, string[] usernames)
    {
        var folder = System.IO.Path.Combine(Path, "registry");
        var clients = ClientRegistry.Load(folder);
        foreach (var id in clientIds)
        {
            clients.Upsert(new OAuthClient { ClientId = id, SecretHash = "", Scope = FastGateway.Scopes.ScopeCatalog.AllNames, GrantTypes = ["client_credentials"], TokenEndpointAuthMethod = "client_secret_basic" });
        }

        var users = UserRegistry.Load(folder);
        foreach (var name in usernames)
        {
            users.Upsert(new ResourceOwner { Username = name, PasswordHash = "-" });
        }

        return (clients, users);
    }

    /// <summary>A <see cref="TokenStanding"/> over <paramref name="store"/> and <see cref="Registries"/>.</summary>
    public TokenStanding Standing(FasterTokenStore store, string[] clientIds, string[] usernames)
    {
        var (clients, users) = Registries(clientIds, usernames);
        return new TokenStanding(store, clients, users);
    }

    public void Dispose() => _folder.Dispose();
}
