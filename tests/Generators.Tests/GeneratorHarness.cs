using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using FastGateway.Contracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace FastGateway.Generators.Tests;

/// <summary>Runs <see cref="GatewayDefinitionGenerator"/> with <see cref="CSharpGeneratorDriver"/> and compiles what it emits.</summary>
internal static class GeneratorHarness
{
    public const string DefinitionPath = "/project/gateway.json";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in paths)
        {
            builder.Add(MetadataReference.CreateFromFile(path));
        }

        if (Array.IndexOf(paths, typeof(RouteMatch).Assembly.Location) < 0)
        {
            builder.Add(MetadataReference.CreateFromFile(typeof(RouteMatch).Assembly.Location));
        }

        return builder.ToImmutable();
    });

    /// <summary>The directory of this source file (the test project), for test data and baselines.</summary>
    public static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static string ReadTestData(string name) => File.ReadAllText(Path.Combine(ProjectDirectory(), "TestData", name));

    public static CSharpCompilation CreateCompilation(params SyntaxTree[] trees) =>
        CSharpCompilation.Create(
            "GeneratorTestAssembly" + Guid.NewGuid().ToString("N"),
            trees.Length == 0 ? [CSharpSyntaxTree.ParseText("namespace Sample; internal static class Placeholder { }", ParseOptions)] : trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(params AdditionalText[] files) =>
        CSharpGeneratorDriver.Create(
            [new GatewayDefinitionGenerator().AsSourceGenerator()],
            files,
            ParseOptions,
            optionsProvider: null,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on one definition and returns the run result and the updated compilation.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(string json, string path = DefinitionPath)
    {
        var driver = CreateDriver(new InMemoryAdditionalText(path, json));
        driver = driver.RunGeneratorsAndUpdateCompilation(CreateCompilation(), out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>Runs the generator and returns its diagnostics.</summary>
    public static ImmutableArray<Diagnostic> Diagnostics(string json) => Run(json).Result.Diagnostics;

    /// <summary>Generates from <paramref name="json"/>, asserts the result compiles cleanly, and loads it.</summary>
    public static GeneratedDefinition Load(string json)
    {
        var (result, output) = Run(json);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        var assembly = new AssemblyLoadContext("generated", isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
        return new GeneratedDefinition(assembly.GetType("FastGateway.Generated.GatewayDefinition", throwOnError: true)!);
    }

    /// <summary>Line (1-based) a diagnostic points at.</summary>
    public static int Line(Diagnostic diagnostic) => diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
}

/// <summary>Typed access to a loaded <c>GatewayDefinition</c> (span parameters rule out MethodInfo.Invoke).</summary>
internal sealed class GeneratedDefinition
{
    public delegate RouteMatch MatchFunction(HttpMethodKind method, ReadOnlySpan<char> path);

    public delegate bool TryGetScopeBitFunction(ReadOnlySpan<char> name, out int bit);

    public GeneratedDefinition(Type type)
    {
        Type = type;
        Match = type.GetMethod("Match", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<MatchFunction>();
        TryGetScopeBit = type.GetMethod("TryGetScopeBit", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<TryGetScopeBitFunction>();
    }

    public Type Type { get; }

    public MatchFunction Match { get; }

    public TryGetScopeBitFunction TryGetScopeBit { get; }

    public IReadOnlyList<ApiDescriptor> Apis => Get<IReadOnlyList<ApiDescriptor>>("Apis");

    public IReadOnlyList<ResourceDescriptor> Resources => Get<IReadOnlyList<ResourceDescriptor>>("Resources");

    public IReadOnlyList<ScopeDescriptor> Scopes => Get<IReadOnlyList<ScopeDescriptor>>("Scopes");

    public T Constant<T>(string name) => (T)Type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private T Get<T>(string name) => (T)Type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
