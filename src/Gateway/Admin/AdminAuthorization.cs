using System.Security.Cryptography;
using System.Text;
using FastGateway.Errors;
using FastGateway.Hosting;
using Microsoft.Extensions.Options;

namespace FastGateway.Admin;

/// <summary>
/// Guards <c>/admin/v1</c>: the caller must send <c>Authorization: Bearer &lt;Admin:ApiKey&gt;</c>.
/// Without a configured key the admin API is off (403, saying how to turn it on), never open. Wrong or missing keys
/// are audit events and limited per remote address (429 with <c>Retry-After</c>; <c>Throttling:AdminAddress</c>).
/// </summary>
internal sealed class AdminAuthorization
{
    private readonly byte[]? _keyHash;
    private readonly Throttling.CredentialThrottle _throttle;

    /// <summary>Reads <c>Admin:ApiKey</c>.</summary>
    public AdminAuthorization(IOptions<AdminOptions> options, Throttling.CredentialThrottle throttle)
    {
        _throttle = throttle;
        var key = options.Value.ApiKey;
        _keyHash = string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Wraps an admin handler with the key check.</summary>
    public RequestDelegate Require(RequestDelegate handler) => async context =>
    {
        if (_keyHash is null)
        {
            await ErrorResponse.WriteAsync(context, 403, ErrorCodes.AdminApiDisabled, "the admin API is off: set Admin:ApiKey (e.g. environment variable Admin__ApiKey) to enable it");
            return;
        }

        if (_throttle.CheckAdmin(context.Connection.RemoteIpAddress) is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        if (!IsAuthorized(context.Request.Headers.Authorization.ToString()))
        {
            _throttle.AdminFailed(context.Connection.RemoteIpAddress, context.Request.Headers.Authorization.Count == 0 ? "no key" : "wrong key");
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"FastGateway admin\", error=\"invalid_token\"";
            await ErrorResponse.WriteAsync(context, 401, ErrorCodes.InvalidToken, "send the admin API key as Authorization: Bearer followed by the key");
            return;
        }

        await handler(context);
    };

    private bool IsAuthorized(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing both sides first makes the comparison constant-time regardless of key length.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _keyHash);
    }
}
