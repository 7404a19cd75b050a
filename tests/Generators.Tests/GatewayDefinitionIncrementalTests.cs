using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FastGateway.Generators.Tests;

public sealed class GatewayDefinitionIncrementalTests
{
    [Fact]
    public void Generator_SecondRunAfterUnrelatedEdit_EveryStepCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(new InMemoryAdditionalText(GeneratorHarness.DefinitionPath, GeneratorHarness.ReadTestData("gateway.json")));
        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Sample; internal static class Unrelated { }"));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();

        Assert.Equal(
            first.GeneratedSources.Single().SourceText.ToString(),
            second.GeneratedSources.Single().SourceText.ToString());
        foreach (var name in TrackingNames.All)
        {
            Assert.True(second.TrackedSteps.TryGetValue(name, out var steps), $"Step '{name}' was not tracked.");
            foreach (var step in steps)
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(
                        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"Step '{name}' output was {reason}.");
                }
            }
        }

        foreach (var output in second.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs))
        {
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason);
        }
    }

    [Fact]
    public void Generator_EditThatKeepsTheModel_EmitStepCached()
    {
        var json = GeneratorHarness.ReadTestData("gateway.json");
        var original = new InMemoryAdditionalText(GeneratorHarness.DefinitionPath, json);
        var driver = GeneratorHarness.CreateDriver(original).RunGenerators(GeneratorHarness.CreateCompilation());

        // Whitespace only: the file is re-read and re-parsed, but the model compares equal.
        var reformatted = new InMemoryAdditionalText(GeneratorHarness.DefinitionPath, json + "\n\n");
        driver = driver.ReplaceAdditionalText(original, reformatted).RunGenerators(GeneratorHarness.CreateCompilation());
        var result = driver.GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Unchanged);
        Assert.All(result.TrackedSteps[TrackingNames.Emit].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Generator_ScopeEdit_RegeneratesSource()
    {
        var json = GeneratorHarness.ReadTestData("gateway.json");
        var original = new InMemoryAdditionalText(GeneratorHarness.DefinitionPath, json);
        var driver = GeneratorHarness.CreateDriver(original).RunGenerators(GeneratorHarness.CreateCompilation());

        var changed = new InMemoryAdditionalText(GeneratorHarness.DefinitionPath, json.Replace("\"name\": \"book\"", "\"name\": \"reserve\"", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(original, changed).RunGenerators(GeneratorHarness.CreateCompilation());
        var result = driver.GetRunResult().Results.Single();

        Assert.Contains("\"reserve\"", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
        Assert.All(result.TrackedSteps[TrackingNames.Emit].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
    }
}
