namespace FastGateway.Hosting;

/// <summary>
/// Every log event id FastGateway uses, in one place so they stay unique and stable (operators alert on
/// them). Ranges: 1000 token store, 1100 OAuth endpoints, 1200 proxy, 1300 authorization pages,
/// 1400 audit, 1500 token lifecycle (sweep), 1600 hosting and configuration, 1700 throttling and quotas,
/// 1800 observability (access log), 1850 telemetry, 1900 process lifecycle (swap, drain).
/// </summary>
internal static class EventIds
{
    /// <summary>Token store recovered from a checkpoint.</summary>
    public const int StoreRecovered = 1000;
    /// <summary>Token store started empty.</summary>
    public const int StoreFresh = 1001;
    /// <summary>A group-commit checkpoint completed.</summary>
    public const int StoreCheckpointTaken = 1002;
    /// <summary>A checkpoint failed (retried).</summary>
    public const int StoreCheckpointFailed = 1003;
    /// <summary>Shutdown while writers still held sessions.</summary>
    public const int StoreWritersStillWaiting = 1004;

    /// <summary>Password grant refused (wrong username or password).</summary>
    public const int PasswordGrantRefused = 1110;
    /// <summary>An authorization code presented by a client other than the one it was issued to (refused, nothing revoked).</summary>
    public const int CodeOtherClient = 1120;
    /// <summary>An authorization code presented again by its own client: the tokens issued from it are revoked.</summary>
    public const int CodeReplayed = 1121;
    /// <summary>A used authorization code presented again without the proof of its PKCE verifier or redirect URI (refused, nothing revoked).</summary>
    public const int CodeReplayUnproven = 1122;
    /// <summary>A rotated refresh token presented again within the grace window.</summary>
    public const int ConcurrentRefresh = 1130;
    /// <summary>A refresh token superseded by a concurrent refresh of its grant was refused.</summary>
    public const int RefreshSuperseded = 1131;
    /// <summary>A token introspected (RFC 7662).</summary>
    public const int Introspected = 1150;
    /// <summary>A client without the introspection permission tried to introspect (403, RFC 7662 section 2.1).</summary>
    public const int IntrospectionRefused = 1151;
    /// <summary>A client tried to revoke another client's token (refused and left untouched, RFC 7009).</summary>
    public const int RevokeNotOwner = 1152;

    /// <summary>Upstream did not answer in time (504).</summary>
    public const int UpstreamTimeout = 1200;
    /// <summary>Upstream unreachable or broken (502).</summary>
    public const int UpstreamFailed = 1201;
    /// <summary>Upstream response body failed mid-stream.</summary>
    public const int UpstreamBodyFailed = 1202;
    /// <summary>A protected-API request failed in an unexpected way (500): checking it, or forwarding it.</summary>
    public const int ProxyFailed = 1203;
    /// <summary>The client of a proxied request went away before its response (not an upstream failure).</summary>
    public const int ClientAborted = 1204;
    /// <summary>A proxied request's body was refused (over the limit, broken framing): the client's error.</summary>
    public const int ClientBodyRejected = 1205;
    /// <summary>A proxied request was refused before anything was sent upstream (path policy, malformed field).</summary>
    public const int RequestRefused = 1206;
    /// <summary>A client over its quota (<c>rate_limit</c>) got 429.</summary>
    public const int RateLimited = 1210;

    /// <summary>Authorization request refused.</summary>
    public const int AuthorizeRefused = 1300;
    /// <summary>Authorization form without a valid antiforgery token.</summary>
    public const int AntiforgeryRejected = 1301;
    /// <summary>Sign-in failed on the authorization page.</summary>
    public const int SignInFailed = 1302;
    /// <summary>Resource owner signed in on the authorization page.</summary>
    public const int SignedIn = 1303;
    /// <summary>Resource owner denied the client.</summary>
    public const int ConsentDenied = 1304;
    /// <summary>Authorization code issued.</summary>
    public const int CodeIssued = 1305;
    /// <summary>A sign-in or consent form posted again after it was used (refused).</summary>
    public const int AuthorizeStepReplayed = 1306;
    /// <summary>A sign-in or consent form posted from another browser than the one that began the flow (refused).</summary>
    public const int AuthorizeOtherBrowser = 1307;
    /// <summary>The set of used authorization steps is full: new steps are refused until some expire.</summary>
    public const int AuthorizeStepsFull = 1308;

    /// <summary>Every audit event (see <c>AuditLog</c>): one id, the action is a field.</summary>
    public const int Audit = 1400;

    /// <summary>Expired or used-up token records removed.</summary>
    public const int ExpiredRemoved = 1500;
    /// <summary>A sweep (removal and compaction) finished.</summary>
    public const int Swept = 1501;
    /// <summary>The automatic sweep is off.</summary>
    public const int SweepOff = 1510;
    /// <summary>A sweep failed (retried at the next interval).</summary>
    public const int SweepFailed = 1511;

    /// <summary><c>OAuth:Issuer</c> unset: the issuer is the first listening address.</summary>
    public const int IssuerUnset = 1600;

    /// <summary>A credential check refused by a failure limit (429).</summary>
    public const int ThrottleRefused = 1700;
    /// <summary>A username locked after repeated failed password checks.</summary>
    public const int UsernameLocked = 1701;
    /// <summary>A password check shed because the hashing queue is full (503).</summary>
    public const int HashingShed = 1702;

    /// <summary>What the telemetry exports at start: metrics, /metrics placement, tracing, OTLP.</summary>
    public const int TelemetryConfigured = 1850;

    /// <summary>The data folder is locked by another process (the old one, during a swap): waiting for it.</summary>
    public const int StorageLockWaiting = 1900;
    /// <summary>The data folder's lock was taken after waiting for it.</summary>
    public const int StorageLockAcquired = 1901;
    /// <summary>The listening sockets were bound with SO_REUSEPORT before the data folder was opened.</summary>
    public const int ListenersBoundEarly = 1902;
    /// <summary><c>net.ipv4.tcp_migrate_req</c> is not 1: connections queued on this process's listener are reset when it stops during a swap.</summary>
    public const int MigrateRequestsOff = 1903;
    /// <summary>SIGTERM while a successor waits for the data folder: draining with <c>Connection: close</c>.</summary>
    public const int DrainStarted = 1904;

    /// <summary>Writing the access log failed (stdout closed, disk full); reported once, later lines may be lost.</summary>
    public const int AccessLogWriteFailed = 1800;
}
