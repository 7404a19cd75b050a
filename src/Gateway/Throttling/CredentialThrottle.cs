using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using FastGateway.Audit;
using FastGateway.Errors;
using FastGateway.Hosting;
using Microsoft.Extensions.Options;

namespace FastGateway.Throttling;

/// <summary>
/// The failure limits of <see cref="ThrottlingOptions"/>: fixed-window <see cref="PartitionedRateLimiter{TResource}"/>s
/// partitioned per remote address, per username and per client_id, plus one for the admin key per remote address.
/// Each failed check takes one permit from every partition it belongs to (and is an audit event); a check whose
/// partition has no permit left is refused with 429 before any secret or password is looked at, correct or not.
/// </summary>
/// <remarks>
/// <code>
/// attempt ──► Check* (0-permit probe of each partition: address first, so an exhausted address creates no others)
///   │ a partition is used up ──► 429 too_many_requests, Retry-After = that window (an upper bound)
///   ▼
/// verify the credential ── wrong ──► *Failed: 1 permit from each partition + audit event
/// </code>
/// The probe and the count are separate steps, so attempts already in flight when a partition runs out still
/// finish; at most the hashing bound (<see cref="HashingOptions"/>) of them, once per window.
/// Partitions live while their window holds failures and are dropped when idle (the limiter's own sweep).
/// </remarks>
internal sealed partial class CredentialThrottle : IDisposable
{
    private const string AddressLimit = "remote address";

    private readonly PartitionedRateLimiter<string>? _addresses;
    private readonly PartitionedRateLimiter<string>? _usernames;
    private readonly PartitionedRateLimiter<string>? _clients;
    private readonly PartitionedRateLimiter<string>? _adminAddresses;
    private readonly AuditLog _audit;
    private readonly ILogger<CredentialThrottle> _logger;

    /// <summary>Builds the limiters from <c>Throttling</c>; a limit with <c>PermitLimit</c> 0, or <c>Enabled</c> false, is off.</summary>
    public CredentialThrottle(IOptions<ThrottlingOptions> options, AuditLog audit, ILogger<CredentialThrottle> logger)
    {
        var value = options.Value;
        _audit = audit;
        _logger = logger;
        if (value.Enabled)
        {
            _addresses = Create(value.Address);
            _usernames = Create(value.Username);
            _clients = Create(value.Client);
            _adminAddresses = Create(value.AdminAddress);
        }
    }

    /// <summary>Before a client secret is checked: refused when the address or the client_id has used up its failures.</summary>
    public ThrottleRefusal? CheckClient(IPAddress? address, string? clientId) =>
        Probe(_addresses, AddressKey(address), AddressLimit)
        ?? (clientId is null ? null : Probe(_clients, ClientKey(clientId), "client"));

    /// <summary>Counts a failed client authentication (wrong secret, unknown client_id, malformed credentials) and audits it.</summary>
    /// <param name="address">The remote address.</param>
    /// <param name="clientId">The client_id presented, or null when none could be read.</param>
    /// <param name="reason">Why it failed, for the audit event; never the secret.</param>
    public void ClientFailed(IPAddress? address, string? clientId, string reason)
    {
        Take(_addresses, AddressKey(address));
        if (clientId is not null)
        {
            Take(_clients, ClientKey(clientId));
        }

        _audit.AuthenticationFailed(Actor(address), "client.authenticate", clientId, null, reason);
    }

    /// <summary>Before a resource owner's password is checked: refused when the address, the username or the client's password checks are used up.</summary>
    public ThrottleRefusal? CheckUser(IPAddress? address, string clientId, string username) =>
        Probe(_addresses, AddressKey(address), AddressLimit)
        ?? Probe(_usernames, username, "username")
        ?? Probe(_clients, UserClientKey(clientId), "client");

    /// <summary>Counts a failed password check and audits it.</summary>
    /// <param name="address">The remote address.</param>
    /// <param name="clientId">The client the password was sent through.</param>
    /// <param name="username">The username presented.</param>
    /// <param name="reason">Where and why it failed, for the audit event; never the password.</param>
    public void UserFailed(IPAddress? address, string clientId, string username, string reason)
    {
        Take(_addresses, AddressKey(address));
        Take(_usernames, username);
        Take(_clients, UserClientKey(clientId));
        _audit.AuthenticationFailed(Actor(address), "user.authenticate", clientId, username, reason);
    }

    /// <summary>Before the admin key is checked: refused when the address has used up its admin-key failures.</summary>
    public ThrottleRefusal? CheckAdmin(IPAddress? address) => Probe(_adminAddresses, AddressKey(address), AddressLimit);

    /// <summary>Counts a failed admin-key check and audits it (never the key presented).</summary>
    public void AdminFailed(IPAddress? address, string reason)
    {
        Take(_adminAddresses, AddressKey(address));
        _audit.AuthenticationFailed(Actor(address), "admin.authenticate", null, null, reason);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _addresses?.Dispose();
        _usernames?.Dispose();
        _clients?.Dispose();
        _adminAddresses?.Dispose();
    }

    /// <summary>
    /// The partition key of an address: IPv4 as is (IPv4-mapped IPv6 included), IPv6 by its /64, the smallest block
    /// a single subscriber is usually given (so one host cannot rotate through its own addresses).
    /// </summary>
    internal static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "-";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static string Actor(IPAddress? address) =>
        address is null ? "-" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    // Client secrets and password checks through a client are counted apart: users guessing passwords through a public
    // client must not lock the client itself out of its other grants.
    private static string ClientKey(string clientId) => "secret:" + clientId;

    private static string UserClientKey(string clientId) => "password:" + clientId;

    private static PartitionedRateLimiter<string>? Create(FailureLimitOptions limit)
    {
        if (limit.PermitLimit <= 0)
        {
            return null;
        }

        var window = new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = TimeSpan.FromSeconds(Math.Max(1, limit.Window)),
            QueueLimit = 0,
        };
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => window), StringComparer.Ordinal);
    }

    private ThrottleRefusal? Probe(PartitionedRateLimiter<string>? limiter, string key, string limitName)
    {
        if (limiter is null)
        {
            return null;
        }

        // Zero permits: asks whether the window still has any, without taking one.
        using var lease = limiter.AttemptAcquire(key, 0);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = ThrottleRefusal.Seconds(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1));
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Refused(_logger, limitName, retryAfter);
        }

        Observability.ThrottlingMetrics.Rejected(Observability.ThrottlingMetrics.FailureLimit);
        return new ThrottleRefusal(429, ErrorCodes.TooManyRequests,
            $"too many failed attempts for this {limitName}; try again in {retryAfter} seconds", retryAfter);
    }

    private static void Take(PartitionedRateLimiter<string>? limiter, string key) => limiter?.AttemptAcquire(key, 1).Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ThrottleRefused, Level = LogLevel.Debug, Message = "Credential check refused: the {Limit} has no failures left; retry after {RetryAfter} s")]
        public static partial void Refused(ILogger logger, string limit, int retryAfter);
    }
}
