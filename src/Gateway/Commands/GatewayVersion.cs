using System.Reflection;

namespace FastGateway.Commands;

/// <summary>What <c>FastGateway --version</c> prints.</summary>
internal static class GatewayVersion
{
    /// <summary>
    /// The informational version, e.g. <c>1.0.0+3f2c...</c>: the version, then the full commit the binary was built from
    /// (SourceRevisionId, set by the build from git; Directory.Build.props). Without git at build time, only the version.
    /// </summary>
    public static string Value { get; } =
        typeof(GatewayVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
