using FastGateway.Hosting;

namespace FastGateway.Audit;

/// <summary>
/// The audit log: one structured event per admin change and per token issue, refresh and revocation, all
/// of one shape under the logging category <c>FastGateway.Audit</c> (so operators can route it apart):
/// <c>Actor</c> (who: <c>admin</c>, a client_id, <c>gateway</c> for automatic revocations and lockouts, or the
/// remote address for a failed authentication),
/// <c>Action</c> (what, e.g. <c>client.create</c>, <c>token.issue</c>), <c>ClientId</c>, <c>Owner</c>,
/// <c>TokenId</c> (the short, non-secret id from <c>TokenHash.ToTokenId</c>) and <c>Result</c>.
/// Never a secret, password or token.
/// </summary>
/// <remarks>
/// Actions: <c>client.create|update|suspend|resume|delete|rotate_secret</c>, <c>user.create|set_password|delete</c>,
/// <c>settings.update</c> (admin); <c>token.issue</c>, <c>token.refresh</c> (the client, with the grant type as result);
/// <c>token.revoke</c> (the client through RFC 7009, or the admin); <c>grant.revoke</c> (the gateway, on code replay or
/// refresh-token reuse); <c>client.authenticate</c>, <c>user.authenticate</c>, <c>admin.authenticate</c> (a failed
/// check, result <c>failed: ...</c>) and <c>user.lockout</c> (the gateway; see <c>Throttling</c>). Admin results: <c>ok</c>, <c>invalid</c>, <c>not_found</c>, <c>conflict</c>.
/// </remarks>
internal sealed partial class AuditLog(ILoggerFactory loggers)
{
    /// <summary>The logging category of audit events.</summary>
    public const string Category = "FastGateway.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    /// <summary>An admin change to an application.</summary>
    public void Client(string action, string clientId, string result) => Record("admin", "client." + action, clientId, null, null, result);

    /// <summary>An admin change to a resource owner.</summary>
    public void User(string action, string username, string result) => Record("admin", "user." + action, null, username, null, result);

    /// <summary>An admin change to the runtime settings; the lifetimes (seconds) are the effective values after it.</summary>
    public void Settings(string action, int accessTokenLifetime, int authorizationCodeLifetime, string result) =>
        Record("admin", "settings." + action, null, null, null, $"{result} (access_token_lifetime {accessTokenLifetime} s, authorization_code_lifetime {authorizationCodeLifetime} s)");

    /// <summary>A token issued to a client; <paramref name="grantType"/> refresh_token is recorded as <c>token.refresh</c>.</summary>
    public void TokenIssued(string grantType, string clientId, string? owner, string tokenId) =>
        Record(clientId, grantType == OAuth.GrantTypes.RefreshToken ? "token.refresh" : "token.issue", clientId, owner, tokenId, grantType);

    /// <summary>Tokens revoked by <paramref name="actor"/> (a client_id, <c>admin</c> or <c>gateway</c>).</summary>
    public void TokenRevoked(string actor, string? clientId, string? owner, string? tokenId, string result) =>
        Record(actor, "token.revoke", clientId, owner, tokenId, result);

    /// <summary>A whole grant revoked by the gateway itself (code replay, refresh-token reuse).</summary>
    public void GrantRevoked(string clientId, string? owner, string tokenId, string reason) =>
        Record("gateway", "grant.revoke", clientId, owner, tokenId, reason);

    /// <summary>
    /// A failed authentication (RFC 6749 section 10.10): <paramref name="action"/> is <c>client.authenticate</c>,
    /// <c>user.authenticate</c> or <c>admin.authenticate</c>; the actor is the remote address. Never the secret,
    /// password or key presented.
    /// </summary>
    public void AuthenticationFailed(string address, string action, string? clientId, string? owner, string reason) =>
        Record(address, action, clientId, owner, null, "failed: " + reason);

    /// <summary>A username locked for <paramref name="seconds"/> after <paramref name="failures"/> failed password checks.</summary>
    public void UserLocked(string username, int failures, int seconds) =>
        Record("gateway", "user.lockout", null, username, null, $"locked {seconds} s after {failures} failures");

    private void Record(string actor, string action, string? clientId, string? owner, string? tokenId, string result)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.Event(_logger, actor, action, clientId ?? "-", owner ?? "-", tokenId ?? "-", result);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.Audit, Level = LogLevel.Information, Message = "audit {Actor} {Action} client={ClientId} owner={Owner} token={TokenId}: {Result}")]
        public static partial void Event(ILogger logger, string actor, string action, string clientId, string owner, string tokenId, string result);
    }
}
