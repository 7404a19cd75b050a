namespace FastGateway.AllocGate.Tests;

/// <summary>The allocation gate on fabricated BenchmarkDotNet reports: it must fail on a regression and on a missing benchmark.</summary>
public sealed class AllocationBudgetTests
{
    private const string Budget = """
        {
          // Comments are allowed, as in the checked-in budget.
          "benchmarks": [
            { "name": "FastGateway.Benchmarks.ValidationPathBenchmarks.Validate", "bytes": 0 },
            { "name": "FastGateway.Benchmarks.TokenStoreScalingBenchmarks.LookupRandom(TokenCount: 1000)", "bytes": 0 },
            { "name": "FastGateway.Benchmarks.IntrospectionBenchmarks.Introspect", "bytes": 400, "tolerancePercent": 10 }
          ]
        }
        """;

    [Fact]
    public void Check_AllWithinBudget_Passes()
    {
        var results = Check(Report(("ValidationPathBenchmarks.Validate", 0), ("TokenStoreScalingBenchmarks.LookupRandom(TokenCount: 1000)", 0), ("IntrospectionBenchmarks.Introspect", 440)));

        Assert.All(results, r => Assert.True(r.Passed, r.Message));
    }

    [Fact]
    public void Check_ZeroBudgetStageAllocates_Fails()
    {
        var results = Check(Report(("ValidationPathBenchmarks.Validate", 24), ("TokenStoreScalingBenchmarks.LookupRandom(TokenCount: 1000)", 0), ("IntrospectionBenchmarks.Introspect", 400)));

        var failure = Assert.Single(results, r => !r.Passed);
        Assert.Equal("FastGateway.Benchmarks.ValidationPathBenchmarks.Validate", failure.Name);
        Assert.Contains("allocates 24 B/op, budget 0 B/op", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AboveTolerance_Fails()
    {
        var results = Check(Report(("ValidationPathBenchmarks.Validate", 0), ("TokenStoreScalingBenchmarks.LookupRandom(TokenCount: 1000)", 0), ("IntrospectionBenchmarks.Introspect", 441)));

        Assert.False(Assert.Single(results, r => r.Name.EndsWith(".Introspect", StringComparison.Ordinal)).Passed);
    }

    [Fact]
    public void Check_MissingBenchmark_Fails()
    {
        var results = Check(Report(("ValidationPathBenchmarks.Validate", 0), ("IntrospectionBenchmarks.Introspect", 400)));

        var failure = Assert.Single(results, r => !r.Passed);
        Assert.Equal("FastGateway.Benchmarks.TokenStoreScalingBenchmarks.LookupRandom(TokenCount: 1000)", failure.Name);
        Assert.Contains("missing", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoMemoryData_Fails()
    {
        var measured = new Dictionary<string, long?>(StringComparer.Ordinal);
        AllocationBudget.ReadReport("""{ "Benchmarks": [ { "FullName": "FastGateway.Benchmarks.ValidationPathBenchmarks.Validate", "Memory": null } ] }""", measured);

        var results = AllocationBudget.Check(AllocationBudget.ParseBudget(Budget), measured);

        Assert.Contains("no allocation data", results[0].Message, StringComparison.Ordinal);
        Assert.All(results, r => Assert.False(r.Passed));
    }

    [Fact]
    public void ParseBudget_DuplicateName_Throws()
    {
        Assert.Throws<FormatException>(() => AllocationBudget.ParseBudget("""{ "benchmarks": [ { "name": "A", "bytes": 0 }, { "name": "A", "bytes": 0 } ] }"""));
    }

    private static IReadOnlyList<GateResult> Check(string report)
    {
        var measured = new Dictionary<string, long?>(StringComparer.Ordinal);
        AllocationBudget.ReadReport(report, measured);
        return AllocationBudget.Check(AllocationBudget.ParseBudget(Budget), measured);
    }

    /// <summary>A BenchmarkDotNet JSON report (the fields the gate reads, in the exporter's shape) with the given bytes per operation.</summary>
    private static string Report(params (string Name, long Bytes)[] benchmarks)
    {
        var items = benchmarks.Select(b => $$"""
            { "DisplayInfo": "x", "Namespace": "FastGateway.Benchmarks", "FullName": "FastGateway.Benchmarks.{{b.Name}}",
              "Statistics": { "Mean": 12.5 },
              "Memory": { "Gen0Collections": 0, "Gen1Collections": 0, "Gen2Collections": 0, "TotalOperations": 1048576, "BytesAllocatedPerOperation": {{b.Bytes}} } }
            """);
        return $$"""{ "Title": "fabricated", "Benchmarks": [ {{string.Join(",\n", items)}} ] }""";
    }
}
