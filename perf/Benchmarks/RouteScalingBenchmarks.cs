extern alias Routes1;
extern alias Routes100;
extern alias Routes10000;

using BenchmarkDotNet.Attributes;
using FastGateway.Contracts;

namespace FastGateway.Benchmarks;

/// <summary>
/// Route match (<c>GatewayDefinition.Match</c>) in tables the real generator compiled from a <c>gateway.json</c> of
/// 1, 100 and 10,000 resources (<c>perf/Routes</c>), for a request to the last-declared resource,
/// <c>GET /bench/r{N-1}/42</c> (a literal segment, then a path parameter). The cost should not grow with the table.
/// </summary>
/// <remarks>
/// One method per table rather than a <c>[Params]</c> switch, so no dispatch is measured. The paths differ only in
/// the digits of <c>r{N-1}</c> (matching is linear in the path's length, by design).
/// </remarks>
[MemoryDiagnoser]
public class RouteScalingBenchmarks
{
    // Fields, not constants, so the JIT cannot fold a match of a literal path.
    private readonly string _path1 = "/bench/r0/42";
    private readonly string _path100 = "/bench/r99/42";
    private readonly string _path10000 = "/bench/r9999/42";
    private readonly HttpMethodKind _method = HttpMethodKind.Get;

    /// <summary>Checks each path matches its table's last resource: otherwise the numbers would time a miss.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Expect(Routes1::FastGateway.Generated.GatewayDefinition.Match(_method, _path1), 0);
        Expect(Routes100::FastGateway.Generated.GatewayDefinition.Match(_method, _path100), 99);
        Expect(Routes10000::FastGateway.Generated.GatewayDefinition.Match(_method, _path10000), 9999);
    }

    private static void Expect(RouteMatch match, int resourceIndex)
    {
        if (match.Status != RouteMatchStatus.Matched || match.ResourceIndex != resourceIndex)
        {
            throw new InvalidOperationException($"Expected resource {resourceIndex}, got {match.Status} {match.ResourceIndex}.");
        }
    }

    /// <summary>Match in the 1-resource table.</summary>
    [Benchmark(Baseline = true)]
    public int Match1Resource() => Routes1::FastGateway.Generated.GatewayDefinition.Match(_method, _path1).ResourceIndex;

    /// <summary>Match in the 100-resource table.</summary>
    [Benchmark]
    public int Match100Resources() => Routes100::FastGateway.Generated.GatewayDefinition.Match(_method, _path100).ResourceIndex;

    /// <summary>Match in the 10,000-resource table.</summary>
    [Benchmark]
    public int Match10000Resources() => Routes10000::FastGateway.Generated.GatewayDefinition.Match(_method, _path10000).ResourceIndex;
}
