using FastGateway.Tests.Infrastructure;
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

    public void Dispose() => _folder.Dispose();
}
