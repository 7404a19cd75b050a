namespace FastGateway.Admin;

/// <summary>
/// The audit log of admin changes: one structured event per change under the logging category
/// <c>FastGateway.Audit</c> (so operators can route it apart), with the action, the subject (client_id or
/// username) and the result. Never a secret, password or token.
/// </summary>
/// <remarks>
/// Actions: <c>create</c>, <c>update</c>, <c>suspend</c>, <c>resume</c>, <c>delete</c>, <c>rotate_secret</c>
/// (clients); <c>create</c>, <c>set_password</c>, <c>delete</c> (users); <c>update</c> (settings).
/// Results: <c>ok</c>, <c>invalid</c> (refused with 400), <c>not_found</c>, <c>conflict</c>.
/// </remarks>
internal sealed partial class AdminAudit(ILoggerFactory loggers)
{
    /// <summary>The logging category of audit events.</summary>
    public const string Category = "FastGateway.Audit";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    /// <summary>A change to an application.</summary>
    public void Client(string action, string clientId, string result) => Log.ClientChanged(_logger, action, clientId, result);

    /// <summary>A change to a resource owner.</summary>
    public void User(string action, string username, string result) => Log.UserChanged(_logger, action, username, result);

    /// <summary>A change to the runtime settings; the lifetimes are the effective values after the change.</summary>
    public void Settings(string action, int accessTokenLifetime, int authorizationCodeLifetime, string result) =>
        Log.SettingsChanged(_logger, action, accessTokenLifetime, authorizationCodeLifetime, result);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Admin {Action} client {ClientId}: {Result}")]
        public static partial void ClientChanged(ILogger logger, string action, string clientId, string result);

        [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Admin {Action} user {Username}: {Result}")]
        public static partial void UserChanged(ILogger logger, string action, string username, string result);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Admin {Action} settings (access_token_lifetime {AccessTokenLifetime} s, authorization_code_lifetime {AuthorizationCodeLifetime} s): {Result}")]
        public static partial void SettingsChanged(ILogger logger, string action, int accessTokenLifetime, int authorizationCodeLifetime, string result);
    }
}
