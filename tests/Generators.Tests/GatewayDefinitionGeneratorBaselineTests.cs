namespace FastGateway.Generators.Tests;

public sealed class GatewayDefinitionGeneratorBaselineTests
{
    [Fact]
    public void Generator_TimeTravelsDefinition_MatchesCheckedInBaseline()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.ReadTestData("gateway.json"));

        Assert.Empty(result.Diagnostics);
        var generated = Assert.Single(result.GeneratedSources);
        Assert.Equal("GatewayDefinition.g.cs", generated.HintName);
        var actual = Normalize(generated.SourceText.ToString());

        var baselinePath = Path.Combine(GeneratorHarness.ProjectDirectory(), "Baselines", "GatewayDefinition.g.cs");
        if (Environment.GetEnvironmentVariable("FG_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(baselinePath, actual);
        }

        Assert.True(File.Exists(baselinePath), $"No baseline at {baselinePath}; run with FG_UPDATE_BASELINES=1 to create it.");
        var expected = Normalize(File.ReadAllText(baselinePath));
        Assert.Equal(expected, actual);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
