namespace FastGateway.Generators;

/// <summary>
/// Names given with <c>WithTrackingName</c> to the stages of <see cref="GatewayDefinitionGenerator"/>, so tests can
/// check that each stage is cached between runs.
/// </summary>
public static class TrackingNames
{
    /// <summary>The AdditionalFiles named <c>gateway.json</c>.</summary>
    public const string DefinitionFiles = "FastGateway.DefinitionFiles";

    /// <summary>Each definition file parsed and validated into a model or diagnostics.</summary>
    public const string Parse = "FastGateway.Parse";

    /// <summary>All parse results gathered.</summary>
    public const string Collect = "FastGateway.Collect";

    /// <summary>The single definition to generate from (or FG009).</summary>
    public const string Combine = "FastGateway.Combine";

    /// <summary>The generated source text and the diagnostics to report.</summary>
    public const string Emit = "FastGateway.Emit";

    /// <summary>Every tracking name, in pipeline order.</summary>
    public static readonly string[] All = [DefinitionFiles, Parse, Collect, Combine, Emit];
}
