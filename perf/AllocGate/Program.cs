using FastGateway.AllocGate;

// Usage: dotnet run --project perf/AllocGate -- <budget.json> <BenchmarkDotNet results folder or *.json report>...
// Prints one PASS/FAIL line per gated benchmark and a closing "N passed, N failed"; exit code 1 when any failed.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FastGateway.AllocGate <budget.json> <results folder | report.json>...");
    return 2;
}

var budget = AllocationBudget.ParseBudget(File.ReadAllText(args[0]));
var measured = new Dictionary<string, long?>(StringComparer.Ordinal);
foreach (var source in args[1..])
{
    var reports = Directory.Exists(source) ? Directory.GetFiles(source, "*.json") : [source];
    foreach (var report in reports)
    {
        AllocationBudget.ReadReport(File.ReadAllText(report), measured);
    }
}

var failed = 0;
foreach (var result in AllocationBudget.Check(budget, measured))
{
    failed += result.Passed ? 0 : 1;
    Console.WriteLine($"{(result.Passed ? "PASS" : "FAIL")} {result.Name}: {result.Message}");
}

Console.WriteLine($"{budget.Count - failed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
