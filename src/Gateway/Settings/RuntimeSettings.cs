using FastGateway.Contracts.Admin;
using FastGateway.Hosting;
using FastGateway.Json;

namespace FastGateway.Settings;

/// <summary>
/// Settings an operator changes at runtime (<c>PATCH /admin/v1/settings</c>), persisted in <c>settings.json</c>
/// under <c>Storage:Path</c> and read back at start. A value set here wins over configuration
/// (<c>OAuth:AccessTokenLifetime</c>, <c>OAuth:AuthorizationCodeLifetime</c>); a value never set follows configuration.
/// </summary>
/// <remarks>
/// The one place the token and code lifetimes are read: <see cref="OAuth.TokenIssuer"/> and
/// <see cref="OAuth.AuthorizationCodes"/> ask <see cref="AccessTokenLifetime"/> and
/// <see cref="AuthorizationCodeLifetime"/> on every issue, so a change applies to the next token.
/// </remarks>
internal sealed class RuntimeSettings
{
    /// <summary>Largest access-token lifetime, in seconds (one year); -1 (never expires) is also allowed.</summary>
    public const int MaxAccessTokenLifetime = 31_536_000;

    /// <summary>Largest authorization-code lifetime, in seconds (RFC 6749 section 4.1.2: at most 10 minutes recommended).</summary>
    public const int MaxAuthorizationCodeLifetime = 600;

    private readonly string _path;
    private readonly OAuthOptions _configured;
    private readonly Lock _writeLock = new();
    private volatile GatewaySettings _overrides;

    private RuntimeSettings(string path, OAuthOptions configured, GatewaySettings overrides)
    {
        _path = path;
        _configured = configured;
        _overrides = overrides;
    }

    /// <summary>Access-token lifetime in seconds for clients that set none; -1 = never expires.</summary>
    public int AccessTokenLifetime => _overrides.AccessTokenLifetime ?? _configured.AccessTokenLifetime;

    /// <summary>Authorization-code lifetime in seconds.</summary>
    public int AuthorizationCodeLifetime => _overrides.AuthorizationCodeLifetime ?? _configured.AuthorizationCodeLifetime;

    /// <summary>The effective values.</summary>
    public GatewaySettings Current => new(AccessTokenLifetime, AuthorizationCodeLifetime);

    /// <summary>Reads <c>settings.json</c> from <paramref name="storagePath"/> (none yet: configuration only).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public static RuntimeSettings Load(string storagePath, OAuthOptions configured)
    {
        var path = Path.Combine(storagePath, "settings.json");
        var overrides = File.Exists(path)
            ? DurableFile.ReadJson(path, GatewayJsonContext.Default.GatewaySettings) ?? throw new InvalidDataException($"{path} is empty.")
            : new GatewaySettings(null, null);
        if (Validate(overrides) is { } problem)
        {
            throw new InvalidDataException($"{path}: {problem}");
        }

        return new RuntimeSettings(path, configured, overrides);
    }

    /// <summary>Checks the values present in <paramref name="change"/>; returns what is wrong, or null.</summary>
    public static string? Validate(GatewaySettings change)
    {
        if (change.AccessTokenLifetime is { } access && access is not -1 and not (>= 1 and <= MaxAccessTokenLifetime))
        {
            return $"access_token_lifetime must be 1 to {MaxAccessTokenLifetime} seconds, or -1 for tokens that never expire";
        }

        if (change.AuthorizationCodeLifetime is { } code && code is < 1 or > MaxAuthorizationCodeLifetime)
        {
            return $"authorization_code_lifetime must be 1 to {MaxAuthorizationCodeLifetime} seconds";
        }

        return null;
    }

    /// <summary>Applies the values present in a validated <paramref name="change"/>, durably, and returns the effective values.</summary>
    public GatewaySettings Apply(GatewaySettings change)
    {
        lock (_writeLock)
        {
            var next = new GatewaySettings(
                change.AccessTokenLifetime ?? _overrides.AccessTokenLifetime,
                change.AuthorizationCodeLifetime ?? _overrides.AuthorizationCodeLifetime);
            DurableFile.WriteJson(_path, next, GatewayJsonContext.Default.GatewaySettings);
            _overrides = next;
            return Current;
        }
    }
}
