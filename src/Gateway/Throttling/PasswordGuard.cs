using System.Net;
using FastGateway.Hosting;
using FastGateway.Users;

namespace FastGateway.Throttling;

/// <summary>The outcome of <see cref="PasswordGuard.AuthenticateAsync"/>.</summary>
/// <param name="Succeeded">The username and password are right.</param>
/// <param name="Refusal">Set when the check did not run (failure limit, lockout, hashing queue full): answer it as is.</param>
internal readonly record struct PasswordCheck(bool Succeeded, ThrottleRefusal? Refusal)
{
    /// <summary>Wrong username or password (or not even worth hashing: empty, too long).</summary>
    public static PasswordCheck Wrong => new(false, null);
}

/// <summary>
/// Every resource-owner password check (the password grant, RFC 6749 section 4.3.2, and the authorization page's
/// sign-in) goes through here, so guessing is limited the same way everywhere (RFC 6749 section 10.10).
/// </summary>
/// <remarks>
/// <code>
/// address / username / client failures left? ──no──► 429 too_many_requests (no hashing)
/// username locked?                           ──yes─► 429 temporarily_locked (no hashing)
/// hashing slot (bounded queue)               ──full─► 503 temporarily_unavailable
/// PBKDF2 (same cost for unknown users) ──wrong──► count the failure (limits, lockout) + audit event
///                                      ──right──► lockout count cleared
/// </code>
/// </remarks>
internal sealed class PasswordGuard(CredentialThrottle throttle, UsernameLockout lockout, HashingGate hashing, DurableRegistry<ResourceOwner> users)
{
    /// <summary>Checks a username and password unless a limit refuses the attempt first.</summary>
    /// <param name="address">The remote address (<c>HttpContext.Connection.RemoteIpAddress</c>).</param>
    /// <param name="clientId">The client the password is sent through.</param>
    /// <param name="username">The username presented.</param>
    /// <param name="password">The password presented; never logged.</param>
    /// <param name="via">Where the check happens (<c>password grant</c>, <c>sign-in page</c>), for the audit event.</param>
    /// <param name="cancellationToken">The request's abort token (a queued check is dropped).</param>
    public async Task<PasswordCheck> AuthenticateAsync(IPAddress? address, string clientId, string username, string password, string via, CancellationToken cancellationToken)
    {
        if (throttle.CheckUser(address, clientId, username) is { } refusal)
        {
            return new PasswordCheck(false, refusal);
        }

        if (lockout.IsLocked(username, out var wait))
        {
            Observability.ThrottlingMetrics.Rejected(Observability.ThrottlingMetrics.Lockout);
            return new PasswordCheck(false, new ThrottleRefusal(429, Errors.ErrorCodes.TemporarilyLocked,
                $"too many failed sign-ins for this username; it is locked for {wait} more seconds", wait));
        }

        // The same PBKDF2 work for an unknown username, so timing does not reveal who exists.
        users.TryGet(username, out var user);
        if (await hashing.VerifyAsync(user?.PasswordHash, password, cancellationToken).ConfigureAwait(false) is not { } verified)
        {
            return new PasswordCheck(false, hashing.Shed());
        }

        if (verified && user is not null)
        {
            lockout.Succeeded(username);
            return new PasswordCheck(true, null);
        }

        throttle.UserFailed(address, clientId, username, "wrong username or password (" + via + ")");
        lockout.Failed(username);
        return PasswordCheck.Wrong;
    }
}
