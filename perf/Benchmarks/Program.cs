using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project perf/Benchmarks -- --filter '*' [--job short | --quick]
// --quick is shorthand for BenchmarkDotNet's `--job short` (3 warm-ups, 3 iterations, 1 launch): for CI and smoke runs.
var arguments = new List<string>(args.Length + 2);
foreach (var arg in args)
{
    if (arg == "--quick")
    {
        arguments.Add("--job");
        arguments.Add("short");
    }
    else
    {
        arguments.Add(arg);
    }
}

BenchmarkSwitcher.FromAssembly(typeof(FastGateway.Benchmarks.BenchmarkGateway).Assembly).Run([.. arguments]);
