using System.Diagnostics.CodeAnalysis;

namespace FastGateway.Hosting;

/// <summary>
/// One of the gateway's configuration sections and the options type whose public properties are its keys
/// (<see cref="ConfigurationSections"/>). Nested objects, arrays, lists (numeric indexes) and dictionaries are followed.
/// </summary>
internal sealed class ConfigurationSectionShape
{
    /// <summary>A section whose keys are <paramref name="type"/>'s properties.</summary>
    /// <param name="path">Configuration path, e.g. <c>OAuth</c> or <c>Proxy:Apis</c>.</param>
    /// <param name="type">The options type bound from the section (or a scalar type for <paramref name="perApi"/> values).</param>
    /// <param name="perApi">Whether the section's keys are API names from gateway.json, each holding a <paramref name="type"/>.</param>
    public ConfigurationSectionShape(string path, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, bool perApi = false)
    {
        Path = path;
        Type = type;
        PerApi = perApi;
    }

    /// <summary>Configuration path of the section.</summary>
    public string Path { get; }

    /// <summary>The options type bound from the section (for <see cref="PerApi"/>, from each API's entry).</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type Type { get; }

    /// <summary>Whether the keys are API names (<c>Upstreams:&lt;api name&gt;</c>, <c>Proxy:Apis:&lt;api name&gt;</c>).</summary>
    public bool PerApi { get; }
}
