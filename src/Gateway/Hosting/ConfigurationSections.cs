using FastGateway.OAuth;
using FastGateway.Observability;
using FastGateway.Throttling;

namespace FastGateway.Hosting;

/// <summary>
/// The gateway's own configuration sections, each with the options type it binds to: a key inside one of them that
/// no property names is refused at start and by <c>FastGateway check</c> (<see cref="ConfigurationKeyCheck"/>).
/// Sections of others (<c>Logging</c>, <c>Kestrel</c>, environment variables) are not checked.
/// </summary>
/// <remarks>
/// A new option is covered by adding its property; a new section by one line here. An options type reached through a
/// property (not listed here) carries <c>[DynamicallyAccessedMembers(PublicProperties)]</c> on its declaration, so its
/// properties survive trimming and Native AOT (ConfigurationKeyCheckTests asserts it for every reachable type); the
/// attribute applies once the type is constructed, so the type must also be bound somewhere (<c>Get&lt;T&gt;()</c>).
/// </remarks>
internal static class ConfigurationSections
{
    /// <summary>Every checked section.</summary>
    public static IReadOnlyList<ConfigurationSectionShape> All { get; } =
    [
        new("OAuth", typeof(OAuthOptions)),
        new("Storage", typeof(StorageOptions)),
        new("Admin", typeof(AdminOptions)),
        new("Proxy", typeof(ProxyOptions)),
        new("Proxy:Apis", typeof(ProxyApiOptions), perApi: true),
        new("Upstreams", typeof(string), perApi: true),
        new("Throttling", typeof(ThrottlingOptions)),
        new("ForwardedHeaders", typeof(TrustedProxyOptions)),
        new("Bootstrap", typeof(BootstrapOptions)),
        new("Compatibility", typeof(CompatibilityOptions)),
        new("Telemetry", typeof(TelemetryOptions)),
        new("AccessLog", typeof(AccessLogOptions)),
    ];
}
