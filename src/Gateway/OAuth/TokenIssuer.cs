using FastGateway.Clients;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Scopes;
using FastGateway.TokenStore;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth;

/// <summary>Mints access tokens and stores them durably.</summary>
internal sealed partial class TokenIssuer(FasterTokenStore store, ScopeCatalog scopes, IOptions<OAuthOptions> options, TimeProvider time, ILogger<TokenIssuer> logger)
{
    /// <summary>
    /// Issues an access token and returns only once it is durable in the token store, so an
    /// acknowledged token survives a crash (<c>kill -9</c>) right after the response.
    /// </summary>
    /// <param name="client">The client the token is for.</param>
    /// <param name="owner">The resource owner's username, or null (client credentials).</param>
    /// <param name="granted">Granted scopes as a mask over the generated scope table.</param>
    /// <param name="cancellationToken">Cancels waiting for durability (the token may still be stored).</param>
    public async Task<TokenResponse> IssueAccessTokenAsync(OAuthClient client, string? owner, ulong granted, CancellationToken cancellationToken)
    {
        var lifetime = client.AccessTokenLifetime ?? options.Value.AccessTokenLifetime;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var expiresAt = lifetime < 0 ? TokenRecord.NeverExpires : now + lifetime;
        var token = AccessTokens.Generate();
        TokenHash.TryCompute(token, out var hash);
        var record = TokenRecord.Create(TokenKind.AccessToken, client.ClientId, owner, granted, GatewayDefinition.ScopeSchemaId, now, expiresAt);
        await store.AddAsync(hash, record, cancellationToken).ConfigureAwait(false);
        var scope = scopes.Format(granted);
        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.AccessTokenIssued(logger, hash.ToTokenId(), client.ClientId, scope, lifetime);
        }

        return new TokenResponse(token, "Bearer", lifetime < 0 ? null : lifetime, scope, now, client.ClientId);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Issued access token {TokenId} to client {ClientId} with scope '{Scope}' for {Lifetime} s")]
        public static partial void AccessTokenIssued(ILogger logger, string tokenId, string clientId, string scope, int lifetime);
    }
}
