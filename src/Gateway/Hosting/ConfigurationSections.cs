using System.Diagnostics.CodeAnalysis;
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
/// A new option is covered by adding its property; a new section by one line in <see cref="All"/>; a new options type
/// reached through a property (a nested object, a list's element) by one line in <see cref="Nested"/>. Native AOT keeps
/// reflection metadata only for properties something asks for by type: the configuration binder's generated code sets
/// them directly, so without <see cref="Nested"/> the native binary saw no keys in a nested type (and let every one
/// through). ConfigurationKeyCheckTests fails when a reachable type is missing from it.
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

    /// <summary>Every options type reached through a property of a section's type, its public properties kept for the key check.</summary>
    public static IReadOnlyList<Type> Nested { get; } =
    [
        Keep<FastGateway.Proxy.PathPolicyOptions>(),
        Keep<FailureLimitOptions>(),
        Keep<LockoutOptions>(),
        Keep<HashingOptions>(),
        Keep<BootstrapClientOptions>(),
        Keep<BootstrapRateLimitOptions>(),
        Keep<BootstrapUserOptions>(),
        Keep<TelemetryMetricsOptions>(),
        Keep<TelemetryTracingOptions>(),
    ];

    // The annotated type parameter is what makes the AOT compiler keep T's public properties for reflection.
    private static Type Keep<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>() => typeof(T);
}
