using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using FastGateway.Benchmarks;

// Usage: dotnet run -c Release --project perf/Benchmarks -- --filter '*' [--job short | --quick] [--tokens 1000,1000000] [--read-cache-mib 0,256]
// --quick is shorthand for BenchmarkDotNet's `--job short` (3 warm-ups, 3 iterations, 1 launch): for CI and smoke runs.
// --tokens picks the store sizes of TokenStoreScalingBenchmarks (default 1000,1000000,10000000); --read-cache-mib its
// FASTER read cache sizes (default 0, off: the gateway's setting; 0,256 adds the read-cache proposal's case).
var arguments = new List<string>(args.Length + 2);
for (var i = 0; i < args.Length; i++)
{
    var arg = args[i];
    if (arg == "--tokens" && i + 1 < args.Length)
    {
        TokenStoreScalingBenchmarks.TokenCounts = IntList(args[++i]);
    }
    else if (arg == "--read-cache-mib" && i + 1 < args.Length)
    {
        TokenStoreScalingBenchmarks.ReadCacheSizes = IntList(args[++i]);
    }
    else if (arg == "--quick")
    {
        arguments.Add("--job");
        arguments.Add("short");
    }
    else
    {
        arguments.Add(arg);
    }
}

// BenchmarkDotNet rebuilds the solution slice (sequentially, without the shared compiler) in its generated project;
// the 10,000-resource route table alone makes that exceed its default 2-minute build timeout on a 2-core machine.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkGateway).Assembly).Run([.. arguments], config);

static int[] IntList(string list) => [.. list.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
