namespace FastGateway.Throttling;

// Options use { get; set; }: the configuration-binding source generator (needed for Native AOT) binds into an
// existing instance and silently skips init-only properties.

/// <summary>
/// Configuration section <c>Throttling</c>: limits on guessing credentials (RFC 6749 sections 4.3.2 and 10.10) and
/// on the password hashing that guessing costs. Failures are counted, not requests: a client or user that
/// authenticates correctly is never slowed by its own traffic.
/// </summary>
internal sealed record ThrottlingOptions
{
    /// <summary>Whether the failure limits and the lockout apply. Default true. The hashing bound (<see cref="Hashing"/>) always applies.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Failed credential checks of any kind (client secret, resource-owner password) from one remote address
    /// (IPv6: one /64). Default 30 per 60 seconds.
    /// </summary>
    public FailureLimitOptions Address { get; set; } = new() { PermitLimit = 30, Window = 60 };

    /// <summary>Failed password checks (password grant, sign-in page) per username. Default 10 per 60 seconds.</summary>
    public FailureLimitOptions Username { get; set; } = new() { PermitLimit = 10, Window = 60 };

    /// <summary>
    /// Failed client authentications (wrong secret, unknown client_id) per client_id at the token, introspection and
    /// revocation endpoints, and, counted apart, failed password checks made through each client. Default 30 per 60 seconds.
    /// </summary>
    public FailureLimitOptions Client { get; set; } = new() { PermitLimit = 30, Window = 60 };

    /// <summary>Failed admin-key checks (wrong or missing <c>Authorization: Bearer</c>) per remote address. Default 10 per 60 seconds.</summary>
    public FailureLimitOptions AdminAddress { get; set; } = new() { PermitLimit = 10, Window = 60 };

    /// <summary>Section <c>Throttling:Lockout</c>: the temporary lockout of a username after repeated failures.</summary>
    public LockoutOptions Lockout { get; set; } = new();

    /// <summary>Section <c>Throttling:Hashing</c>: how much password hashing (PBKDF2) may run at once.</summary>
    public HashingOptions Hashing { get; set; } = new();
}

/// <summary>A fixed-window failure limit (as Kong's rate limiting counts): at most <see cref="PermitLimit"/> failures per <see cref="Window"/>.</summary>
internal sealed record FailureLimitOptions
{
    /// <summary>Failures allowed per window; once used up, every attempt of that partition (even a correct one) is refused with 429. 0 = no limit.</summary>
    public int PermitLimit { get; set; }

    /// <summary>Window length in seconds; the 429's <c>Retry-After</c> is the window (an upper bound on the wait).</summary>
    public int Window { get; set; } = 60;
}

/// <summary>
/// Keycloak's brute-force detection, temporary lockout: after <see cref="FailureFactor"/> failures a username is
/// refused (429) for <see cref="WaitIncrement"/> seconds times (failures / <see cref="FailureFactor"/>), at most
/// <see cref="MaxWait"/>. Unknown usernames are treated alike, so a lockout says nothing about who exists. A locked
/// username is refused before any password hashing. A correct password (outside a lockout) clears the count.
/// </summary>
internal sealed record LockoutOptions
{
    /// <summary>Failures before the first lockout (Keycloak's "Max login failures"). Default 30; 0 = no lockout.</summary>
    public int FailureFactor { get; set; } = 30;

    /// <summary>Seconds of lockout per <see cref="FailureFactor"/> failures (Keycloak's "Wait increment"). Default 60.</summary>
    public int WaitIncrement { get; set; } = 60;

    /// <summary>Longest lockout in seconds (Keycloak's "Max wait"). Default 900.</summary>
    public int MaxWait { get; set; } = 900;

    /// <summary>Seconds without a failure after which the count starts again (Keycloak's "Failure reset time"). Default 43200 (12 hours).</summary>
    public int FailureReset { get; set; } = 43_200;

    /// <summary>
    /// Most usernames whose failures are remembered at once (memory bound: attackers choose usernames freely); past it
    /// the least recently used are forgotten. Default 100000.
    /// </summary>
    public int MaxTrackedUsernames { get; set; } = 100_000;
}

/// <summary>
/// The bound on PBKDF2 work (600,000 iterations, about 0.2 s of CPU each): at most <see cref="MaxConcurrent"/> password
/// checks run at once and <see cref="QueueLimit"/> wait; past that the request is shed with 503
/// <c>temporarily_unavailable</c> and <c>Retry-After</c>, so guessing cannot starve the other endpoints of CPU.
/// </summary>
internal sealed record HashingOptions
{
    /// <summary>Password checks running at once. Default 0 = half the processor count, at least 1.</summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Password checks waiting for a slot (first come, first served). Default 16.</summary>
    public int QueueLimit { get; set; } = 16;

    /// <summary>The shed request's <c>Retry-After</c>, in seconds. Default 1.</summary>
    public int RetryAfter { get; set; } = 1;

    /// <summary>
    /// The Linux nice value (0-19) of the hashing threads: above 0, any request thread that wakes up runs before a
    /// password check, so guessing slows sign-ins rather than everything else. Default 10; 0 = normal priority. Other
    /// systems use <see cref="System.Threading.ThreadPriority.Lowest"/> when above 0.
    /// </summary>
    public int Nice { get; set; } = 10;
}
