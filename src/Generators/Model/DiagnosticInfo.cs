using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FastGateway.Generators.Model;

/// <summary>
/// A diagnostic as plain values (no <see cref="Location"/> or <see cref="Diagnostic"/>, which do not compare by value),
/// turned into a real <see cref="Diagnostic"/> only in the output step.
/// </summary>
/// <param name="Id">Descriptor id, e.g. <c>FG003</c>; see <see cref="DiagnosticDescriptors"/>.</param>
/// <param name="FilePath">Path of the <c>gateway.json</c> the diagnostic points into.</param>
/// <param name="Start">Start of the span, in chars.</param>
/// <param name="Length">Length of the span, in chars.</param>
/// <param name="StartLine">Zero-based start line.</param>
/// <param name="StartColumn">Zero-based start column (chars).</param>
/// <param name="EndLine">Zero-based end line.</param>
/// <param name="EndColumn">Zero-based end column (chars).</param>
/// <param name="MessageArgs">Arguments of the descriptor's message format.</param>
internal sealed record DiagnosticInfo(
    string Id,
    string FilePath,
    int Start,
    int Length,
    int StartLine,
    int StartColumn,
    int EndLine,
    int EndColumn,
    EquatableArray<string> MessageArgs)
{
    /// <summary>Creates the compiler diagnostic.</summary>
    /// <returns>The diagnostic, located in <see cref="FilePath"/>.</returns>
    public Diagnostic ToDiagnostic()
    {
        var location = Location.Create(
            FilePath,
            new TextSpan(Start, Length),
            new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
        var args = new object[MessageArgs.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = MessageArgs[i];
        }

        return Diagnostic.Create(DiagnosticDescriptors.Get(Id), location, args);
    }
}

/// <summary>The parse result of one <c>gateway.json</c>.</summary>
/// <param name="FilePath">The file's path.</param>
/// <param name="Model">The model, or <see langword="null"/> when the file has errors.</param>
/// <param name="Diagnostics">Errors found (empty when <paramref name="Model"/> is set).</param>
internal sealed record DefinitionResult(string FilePath, GatewayModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The output of the emit stage: the source to add (if any) and the diagnostics to report.</summary>
/// <param name="Source">Text of <c>GatewayDefinition.g.cs</c>, or <see langword="null"/> when nothing is generated.</param>
/// <param name="Diagnostics">Diagnostics to report.</param>
internal sealed record GenerationResult(string? Source, EquatableArray<DiagnosticInfo> Diagnostics);
