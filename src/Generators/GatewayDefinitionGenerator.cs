using System;
using System.Collections.Immutable;
using System.Threading;
using FastGateway.Generators.Model;
using Microsoft.CodeAnalysis;

namespace FastGateway.Generators;

/// <summary>
/// Compiles the gateway's <c>gateway.json</c> (an AdditionalFile) into <c>FastGateway.Generated.GatewayDefinition</c>:
/// API, resource and scope tables and an allocation-free route matcher. A wrong definition is a compile error
/// (FG001..FG009, see <see cref="DiagnosticDescriptors"/>) that points at the offending line of the file.
/// </summary>
/// <remarks>
/// <code>
/// AdditionalTexts ─► DefinitionFiles ─► Parse ─► Collect ─► Combine ─► Emit ─► GatewayDefinition.g.cs + diagnostics
///   (gateway.json)     (Where)           (model or diagnostics, per file)  (one result) (source text)
/// </code>
/// Every stage's output compares by value, so an edit elsewhere in the project leaves all stages cached.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class GatewayDefinitionGenerator : IIncrementalGenerator
{
    /// <summary>File name (compared case-insensitively) of the definition file.</summary>
    public const string DefinitionFileName = "gateway.json";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static file => IsDefinitionFile(file.Path))
            .WithTrackingName(TrackingNames.DefinitionFiles);

        var parsed = files
            .Select(static (file, cancellationToken) => Parse(file, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        var combined = parsed
            .Collect()
            .WithTrackingName(TrackingNames.Collect)
            .Select(static (results, _) => Combine(results))
            .WithTrackingName(TrackingNames.Combine);

        var generated = combined
            .Select(static (result, cancellationToken) => Emit(result, cancellationToken))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(generated, static (spc, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Source is not null)
            {
                spc.AddSource(GatewayDefinitionEmitter.HintName, result.Source);
            }
        });
    }

    private static bool IsDefinitionFile(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return string.Equals(path.Substring(slash + 1), DefinitionFileName, StringComparison.OrdinalIgnoreCase);
    }

    private static DefinitionResult Parse(AdditionalText file, CancellationToken cancellationToken)
    {
        var text = file.GetText(cancellationToken);
        if (text is null)
        {
            var diagnostic = GatewayDefinitionParser.FileDiagnostic(DiagnosticDescriptors.InvalidJson, file.Path, "the file could not be read");
            return new DefinitionResult(file.Path, null, new EquatableArray<DiagnosticInfo>([diagnostic]));
        }

        return GatewayDefinitionParser.Parse(file.Path, text, cancellationToken);
    }

    /// <summary>Reduces the per-file results to one: no file means nothing to generate; two or more is FG009.</summary>
    private static DefinitionResult? Combine(ImmutableArray<DefinitionResult> results)
    {
        if (results.IsDefaultOrEmpty)
        {
            return null;
        }

        if (results.Length == 1)
        {
            return results[0];
        }

        var diagnostics = new DiagnosticInfo[results.Length - 1];
        for (var i = 1; i < results.Length; i++)
        {
            diagnostics[i - 1] = GatewayDefinitionParser.FileDiagnostic(DiagnosticDescriptors.MultipleDefinitionFiles, results[i].FilePath, results[0].FilePath);
        }

        return new DefinitionResult(results[0].FilePath, null, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static GenerationResult Emit(DefinitionResult? result, CancellationToken cancellationToken)
    {
        if (result is null)
        {
            return new GenerationResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var source = result.Model is null ? null : GatewayDefinitionEmitter.Emit(result.Model, cancellationToken);
        return new GenerationResult(source, result.Diagnostics);
    }
}
