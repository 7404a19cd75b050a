using BenchmarkDotNet.Attributes;
using FastGateway.Audit;
using FastGateway.Clients;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FastGateway.Benchmarks;

/// <summary>
/// Client-credentials token issuance through <see cref="TokenIssuer.IssueAccessTokenAsync"/>: generate, hash,
/// store, and wait until the write is durable (FASTER group commit), as the token endpoint does before answering.
/// </summary>
/// <remarks>
/// A durable write: the time is dominated by the store's commit loop (a checkpoint), not by CPU work, so
/// it measures durability latency for one sequential caller. Client authentication (secret verification),
/// form parsing and JSON writing of the token endpoint are not included.
/// </remarks>
[MemoryDiagnoser]
public class TokenIssuanceBenchmarks
{
    private BenchmarkGateway _gateway = null!;
    private TokenIssuer _issuer = null!;
    private OAuthClient _client = null!;

    /// <summary>Opens a real store in a temp folder and builds the issuer as the gateway does.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gateway = BenchmarkGateway.OpenAsync().GetAwaiter().GetResult();
        var options = new OAuthOptions();
        _issuer = new TokenIssuer(
            _gateway.Store,
            _gateway.Scopes,
            Options.Create(options),
            RuntimeSettings.Load(_gateway.Path, options),
            TimeProvider.System,
            new AuditLog(NullLoggerFactory.Instance));
        if (!_gateway.Clients.TryGet(BenchmarkGateway.ClientId, out var client))
        {
            throw new InvalidOperationException("The benchmark client is not registered.");
        }

        _client = client;
    }

    /// <summary>Disposes the store and deletes its folder.</summary>
    [GlobalCleanup]
    public void Cleanup() => _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One client-credentials access token, returned once durable.</summary>
    [Benchmark]
    public async Task<int> IssueClientCredentialsToken()
    {
        var response = await _issuer.IssueAccessTokenAsync(_client, owner: null, GatewayDefinition.AllScopes, "client_credentials", CancellationToken.None).ConfigureAwait(false);
        return response.AccessToken.Length;
    }
}
