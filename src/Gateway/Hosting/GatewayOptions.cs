using System.ComponentModel.DataAnnotations;
using FastGateway.Settings;

namespace FastGateway.Hosting;

// Options use { get; set; }: the configuration-binding source generator (needed for Native AOT)
// binds Configure<T> into an existing instance and silently skips init-only properties.
// The ranges are checked at start by GatewayOptionsValidator (the [OptionsValidator] source generator), which puts
// the configuration key in front of each message.

/// <summary>Configuration section <c>OAuth</c>: the authorization server.</summary>
internal sealed record OAuthOptions
{
    /// <summary>Default access-token lifetime in seconds for clients that set none; -1 = never expires. Default 3600.</summary>
    [NumberRange(1, RuntimeSettings.MaxAccessTokenLifetime, Or = -1, ErrorMessage = "must be -1 (never expires) or 1 to 31536000 seconds")]
    public int AccessTokenLifetime { get; set; } = 3600;

    /// <summary>Authorization-code lifetime in seconds (RFC 6749 section 4.1.2 recommends at most 600). Default 300.</summary>
    [NumberRange(1, RuntimeSettings.MaxAuthorizationCodeLifetime, ErrorMessage = "must be 1 to 600 seconds")]
    public int AuthorizationCodeLifetime { get; set; } = 300;

    /// <summary>Refresh-token lifetime in seconds; -1 = never expires. Default 2592000 (30 days).</summary>
    [NumberRange(1, int.MaxValue, Or = -1, ErrorMessage = "must be -1 (never expires) or a positive number of seconds")]
    public int RefreshTokenLifetime { get; set; } = 2_592_000;

    /// <summary>
    /// Seconds after a refresh token was rotated during which presenting it again is treated as a concurrent
    /// refresh rather than reuse (which revokes the whole grant). Default 0: any second use is reuse, as Keycloak,
    /// Hydra and Auth0 do by default. Within the grace, the second refresh gets a new pair that supersedes the first
    /// one's refresh token: a grant never has more than one usable refresh token (README, "Refresh tokens").
    /// </summary>
    [NumberRange(0, 3600, ErrorMessage = "must be 0 (no grace) to 3600 seconds")]
    public int RefreshTokenReuseGrace { get; set; }

    /// <summary>
    /// Absolute lifetime of a refresh grant, in seconds from the original grant (authorization code or password): no
    /// refresh token of it outlives this, however often it is rotated (Keycloak's "SSO Session Max", Auth0's absolute
    /// lifetime); past it, a refresh answers <c>invalid_grant</c>. -1 = no maximum. Default 7776000 (90 days).
    /// </summary>
    [NumberRange(1, int.MaxValue, Or = -1, ErrorMessage = "must be -1 (no maximum) or a positive number of seconds")]
    public int RefreshTokenAbsoluteLifetime { get; set; } = 7_776_000;

    /// <summary>
    /// The issuer identifier (RFC 8414 section 2), an https URL without query or fragment, e.g.
    /// <c>https://auth.example.com</c>; the metadata document's endpoint URLs are built on it. Invalid: the start
    /// stops. Unset (the default): the gateway's first listening address, with a warning
    /// (<see cref="IssuerIdentifier"/>); never the request's Host, which is the client's to choose.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Whether PKCE <c>plain</c> is accepted and advertised (RFC 7636 section 4.2 allows it; OAuth 2.1 does not). Default false.</summary>
    public bool AllowPlainPkce { get; set; }

    /// <summary>
    /// Whether public clients (<c>token_endpoint_auth_method</c> <c>none</c>) may use the password grant. Default false:
    /// RFC 9700 section 2.4 says the password grant MUST NOT be used, and a public client cannot even be authenticated
    /// (anyone can send its client_id), so it is refused with <c>unauthorized_client</c>. Confidential clients registered
    /// for the grant keep it.
    /// </summary>
    public bool AllowPasswordGrantForPublicClients { get; set; }

    /// <summary>
    /// Whether confidential clients must use PKCE too (RFC 9700 section 2.1.1 recommends it for every client): an
    /// authorization request without <c>code_challenge</c> is refused with <c>invalid_request</c>, and a code issued
    /// without one is not redeemed. Public clients always need PKCE. Default false.
    /// </summary>
    public bool RequirePkce { get; set; }

    /// <summary>When true (the default, as in webMethods), OAuth endpoints refuse plain HTTP with <c>invalid_request</c>.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// Folder holding the authorization endpoint's pages (<c>signin.html</c>, <c>consent.html</c>,
    /// <c>error.html</c>); relative paths are relative to the working directory. Unset: the pages built into the binary (<c>src/Gateway/templates</c>).
    /// </summary>
    public string? TemplatesPath { get; set; }
}

/// <summary>Configuration section <c>Storage</c>: where state lives on disk.</summary>
internal sealed record StorageOptions
{
    /// <summary>Longest sweep interval in seconds: timers take at most <see cref="int.MaxValue"/> milliseconds.</summary>
    public const int MaxTimerSeconds = int.MaxValue / 1000;

    /// <summary>Data folder: FASTER token store, clients, scope schemas. Relative paths are relative to the working directory. Default <c>data</c>.</summary>
    [Required(ErrorMessage = "must not be empty")]
    public string Path { get; set; } = "data";

    /// <summary>Memory for FASTER's in-memory log, in bytes; older records are read from disk. Default 64 MiB.</summary>
    [NumberRange(64d * 1024, long.MaxValue, ErrorMessage = "must be at least 65536 bytes (64 KiB)")]
    public long MemorySizeBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Memory for FASTER's read cache, in bytes: tokens read back from disk are kept there, so a token in use is read
    /// from disk once, not on every request (measured: 10 million tokens, validation 5.9 us and 952 B allocated per
    /// request without it, 0.51 us and 0 B with it; perf/RESULTS.md). Default 32 MiB (about 160,000 tokens); 0 = off.
    /// </summary>
    [NumberRange(64d * 1024, long.MaxValue, Or = 0, ErrorMessage = "must be 0 (off) or at least 65536 bytes (64 KiB)")]
    public long ReadCacheMemorySizeBytes { get; set; } = 32L << 20;

    /// <summary>
    /// Seconds between automatic sweeps of the token store (expired-token removal, then log compaction). Default 3600; 0 = off.
    /// </summary>
    [NumberRange(0, MaxTimerSeconds, ErrorMessage = "must be 0 (off) to 2147483 seconds")]
    public int SweepInterval { get; set; } = 3600;

    /// <summary>
    /// Seconds to wait for the data folder's lock when another process holds it (the old process during a swap,
    /// docs/deployment.md) before the start fails. The listening sockets are bound first, so connections queue meanwhile.
    /// Default 60 (above <c>Proxy:DrainDelay</c> plus the old process's 30-second shutdown timeout); 0 = fail at once.
    /// </summary>
    [NumberRange(0, MaxTimerSeconds, ErrorMessage = "must be 0 (fail at once) to 2147483 seconds")]
    public double LockTimeout { get; set; } = 60;
}

/// <summary>Configuration section <c>Admin</c>.</summary>
internal sealed record AdminOptions
{
    /// <summary>Fewest characters in <see cref="ApiKey"/>: 32 random characters are out of reach of guessing.</summary>
    public const int MinApiKeyLength = 32;

    /// <summary>
    /// The admin API key, sent as <c>Authorization: Bearer &lt;key&gt;</c>; at least <see cref="MinApiKeyLength"/>
    /// characters (a shorter key stops the start). Unset = admin API off.
    /// </summary>
    [MinLengthOrEmpty(MinApiKeyLength, ErrorMessage = "must be at least 32 characters (e.g. head -c 32 /dev/urandom | base64)")]
    public string? ApiKey { get; set; }

    /// <summary>
    /// The admin API's own listener (<see cref="FastGateway.Admin.AdminListener"/>), as Kong's <c>admin_listen</c>: URLs
    /// separated by <c>;</c> like <c>--urls</c>, with a non-zero port, e.g. <c>http://127.0.0.1:9901</c>. When set,
    /// the admin API answers only there (404 elsewhere) and the listener serves nothing but the admin API, metrics and
    /// health. Unset (the default): the admin API is on the public listener.
    /// </summary>
    public string? Urls { get; set; }
}

/// <summary>Configuration section <c>Proxy</c>: forwarding to upstreams.</summary>
internal sealed record ProxyOptions
{
    /// <summary>Longest timeout in seconds: timers and cancellation take at most <see cref="int.MaxValue"/> milliseconds.</summary>
    public const int MaxTimerSeconds = int.MaxValue / 1000;

    /// <summary>Seconds to wait for an upstream's response headers before answering 504 (checked once a second, so up to
    /// one second more). Default 100.</summary>
    [NumberRange(0.001, MaxTimerSeconds, ErrorMessage = "must be 0.001 to 2147483 seconds")]
    public double Timeout { get; set; } = 100;

    /// <summary>Seconds to wait for a TCP connection to an upstream before answering 502. Default 5.</summary>
    [NumberRange(0.001, MaxTimerSeconds, ErrorMessage = "must be 0.001 to 2147483 seconds")]
    public double ConnectTimeout { get; set; } = 5;

    /// <summary>
    /// Seconds an upstream connection may sit idle in the pool before it is closed. Default 60: below the idle
    /// timeouts of common upstreams (nginx 75, Kestrel 130), so the gateway closes first.
    /// </summary>
    [NumberRange(0.001, MaxTimerSeconds, ErrorMessage = "must be 0.001 to 2147483 seconds")]
    public double IdleTimeout { get; set; } = 60;

    /// <summary>
    /// Whether requests run on the socket threads, as an event loop does (nginx, HAProxy): Kestrel's
    /// <c>UnsafePreferInlineScheduling</c> plus the runtime's inline socket completions
    /// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) on twice as many socket threads as cores
    /// (<c>DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT</c>); each variable is set for the process unless already set. A
    /// proxied request then reads, validates, forwards and answers without a thread-pool hop. Any other request (OAuth
    /// endpoints, admin API, pages) moves to the thread pool first, and password hashing (PBKDF2) runs on hashing threads
    /// of its own (<c>Throttling:Hashing</c>).
    /// Default true. Set false when most token reads miss FASTER's memory: such a read waits for the disk on a socket
    /// thread, stalling the connections that share it.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>
    /// Whether the listening sockets set <c>SO_REUSEPORT</c> (Linux only), so a new gateway can bind the same ports
    /// beside the running one and take over without refusing a connection (docs/deployment.md). Linux shares a port
    /// only between sockets of the same effective user id, so another user cannot join the group. Default true; set
    /// false to make a second process on the same port fail to start instead.
    /// </summary>
    public bool ReusePort { get; set; } = true;

    /// <summary>
    /// Seconds the old process keeps serving after SIGTERM, answering every response with <c>Connection: close</c>,
    /// when a new process waits for its data folder (a swap): keep-alive clients move to new connections on a response
    /// boundary instead of finding their idle connection closed. Then the normal shutdown runs. Default 2; 0 = off.
    /// </summary>
    [NumberRange(0, MaxTimerSeconds, ErrorMessage = "must be 0 (off) to 2147483 seconds")]
    public double DrainDelay { get; set; } = 2;

    /// <summary>More client request fields never to forward, beside the defaults (README, "Security"). Default none.</summary>
    public string[] StripRequestFields { get; set; } = [];

    /// <summary>Fields of <see cref="FastGateway.Proxy.RequestFieldPolicy.DefaultStripped"/> to forward after all (for
    /// example <c>X-Real-IP</c> when a trusted proxy in front sets it). Fields the gateway owns cannot be listed. Default none.</summary>
    public string[] AllowRequestFields { get; set; } = [];

    /// <summary>Section <c>Proxy:PathPolicy</c>: what happens to risky octets in request paths, for every API;
    /// <c>Proxy:Apis:&lt;api name&gt;:PathPolicy</c> overrides it per API.</summary>
    public FastGateway.Proxy.PathPolicyOptions PathPolicy { get; set; } = new();
}

/// <summary>
/// One entry of <c>Bootstrap:Clients</c>: an application created (or whose secret is reset) at start,
/// so a deployment or demo can come up with a known client. The secret is stored hashed like any other.
/// </summary>
internal sealed record BootstrapClientOptions
{
    /// <summary>The client_id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (plain text in configuration; hashed in the store).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Display name.</summary>
    public string? ClientName { get; set; }

    /// <summary>Allowed scopes, space-separated; default all scopes.</summary>
    public string? Scope { get; set; }

    /// <summary>Access-token lifetime in seconds; -1 = never expires; unset = <see cref="OAuthOptions.AccessTokenLifetime"/>.</summary>
    public int? AccessTokenLifetime { get; set; }

    /// <summary>Quota on the protected APIs (client metadata <c>rate_limit</c>); unset = unlimited.</summary>
    public BootstrapRateLimitOptions? RateLimit { get; set; }

    /// <summary>May call the introspection endpoint (RFC 7662), as a resource server or Microgateway's client does; default false.</summary>
    public bool? Introspection { get; set; }
}
