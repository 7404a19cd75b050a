using FastGateway.Audit;
using FastGateway.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace FastGateway.Throttling;

/// <summary>
/// The temporary lockout with backoff of <see cref="LockoutOptions"/> (Keycloak's brute-force detection): failed
/// password checks per username, remembered in a size-bounded <see cref="MemoryCache"/> (least recently used
/// forgotten first) for <see cref="LockoutOptions.FailureReset"/> seconds after the last failure.
/// </summary>
/// <remarks>
/// failures ≥ FailureFactor ⇒ locked for min(WaitIncrement × ⌊failures / FailureFactor⌋, MaxWait) seconds from the
/// failure. With the defaults (30, 60 s, 900 s): failure 30 locks 60 s, each later failure locks again, failure 60
/// locks 120 s, and so on up to 15 minutes.
/// </remarks>
internal sealed partial class UsernameLockout : IDisposable
{
    private readonly LockoutOptions _options;
    private readonly bool _enabled;
    private readonly MemoryCache _failures;
    private readonly TimeProvider _time;
    private readonly AuditLog _audit;
    private readonly ILogger<UsernameLockout> _logger;

    /// <summary>Reads <c>Throttling:Lockout</c>; off when <c>FailureFactor</c> is 0 or <c>Throttling:Enabled</c> is false.</summary>
    public UsernameLockout(IOptions<ThrottlingOptions> options, TimeProvider time, AuditLog audit, ILogger<UsernameLockout> logger)
    {
        _options = options.Value.Lockout;
        _enabled = options.Value.Enabled && _options.FailureFactor > 0;
        _failures = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, _options.MaxTrackedUsernames) });
        _time = time;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>Whether <paramref name="username"/> is locked now.</summary>
    /// <param name="username">The username presented.</param>
    /// <param name="retryAfterSeconds">Seconds until the lockout ends (at least 1), when locked.</param>
    public bool IsLocked(string username, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (!_enabled || !_failures.TryGetValue(username, out FailureRecord? record) || record is null)
        {
            return false;
        }

        var remaining = Volatile.Read(ref record.LockedUntil) - _time.GetTimestamp();
        if (remaining <= 0)
        {
            return false;
        }

        retryAfterSeconds = ThrottleRefusal.Seconds(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency));
        return true;
    }

    /// <summary>Counts a failed password check; locks the username (and audits the lockout) once the count reaches the failure factor.</summary>
    public void Failed(string username)
    {
        if (!_enabled)
        {
            return;
        }

        var record = _failures.GetOrCreate(username, entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromSeconds(Math.Max(1, _options.FailureReset));
            return new FailureRecord();
        })!;

        int failures;
        long wait;
        lock (record)
        {
            var now = _time.GetTimestamp();
            if (record.Failures > 0 && _time.GetElapsedTime(record.LastFailure, now).TotalSeconds > _options.FailureReset)
            {
                record.Failures = 0;
            }

            failures = ++record.Failures;
            record.LastFailure = now;
            if (failures < _options.FailureFactor)
            {
                return;
            }

            wait = Math.Min((long)_options.WaitIncrement * (failures / _options.FailureFactor), _options.MaxWait);
            Volatile.Write(ref record.LockedUntil, now + (wait * _time.TimestampFrequency));
        }

        Log.Locked(_logger, username, failures, wait);
        _audit.UserLocked(username, failures, (int)wait);
    }

    /// <summary>A correct password: the count starts again (Keycloak resets it on a successful login).</summary>
    public void Succeeded(string username)
    {
        if (_enabled)
        {
            _failures.Remove(username);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _failures.Dispose();

    /// <summary>One username's failures; times are <see cref="TimeProvider"/> timestamps.</summary>
    private sealed class FailureRecord
    {
        public int Failures;
        public long LastFailure;
        public long LockedUntil;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UsernameLocked, Level = LogLevel.Warning, Message = "Username '{Username}' locked for {Seconds} s after {Failures} failed password checks")]
        public static partial void Locked(ILogger logger, string username, int failures, long seconds);
    }
}
