using System.Globalization;
using System.Text.Json;

namespace FastGateway.AllocGate;

/// <summary>One gated benchmark: its BenchmarkDotNet full name and the bytes it may allocate per operation.</summary>
/// <param name="Name">BenchmarkDotNet's <c>FullName</c>, e.g. <c>FastGateway.Benchmarks.RouteScalingBenchmarks.Match1Resource</c>
/// or, with parameters, <c>...LookupRandom(TokenCount: 1000)</c>.</param>
/// <param name="Bytes">Expected allocation, bytes per operation.</param>
/// <param name="TolerancePercent">How far above <paramref name="Bytes"/> still passes, in percent (0 for the zero-allocation path).</param>
internal sealed record BudgetEntry(string Name, long Bytes, double TolerancePercent)
{
    /// <summary>Most bytes per operation that pass: <see cref="Bytes"/> plus the tolerance, rounded down.</summary>
    public long MaxBytes => Bytes + (long)Math.Floor(Bytes * TolerancePercent / 100);
}

/// <summary>The verdict on one gated benchmark.</summary>
/// <param name="Name">The benchmark's full name.</param>
/// <param name="Passed">Whether it stayed within budget.</param>
/// <param name="Message">One line saying what was measured against what.</param>
internal sealed record GateResult(string Name, bool Passed, string Message);

/// <summary>
/// Compares BenchmarkDotNet's measured allocations (<c>Memory.BytesAllocatedPerOperation</c> in the JSON exporter's
/// reports) with the budget file. Only allocations are gated: timings vary with the machine, bytes do not.
/// </summary>
/// <remarks>
/// A gated benchmark fails when it allocates more than its budget allows, when it is missing from the reports
/// (renamed, filtered out, or it crashed: an absent number must not pass), or when it has no memory data
/// (no <c>[MemoryDiagnoser]</c>). Benchmarks in the reports but not in the budget are not gated.
/// </remarks>
internal static class AllocationBudget
{
    /// <summary>Reads the budget file's JSON: <c>{ "benchmarks": [ { "name": ..., "bytes": N, "tolerancePercent": P? } ] }</c>.</summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    /// <exception cref="FormatException">An entry lacks a name or bytes, or a name is listed twice.</exception>
    public static IReadOnlyList<BudgetEntry> ParseBudget(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var entries = new List<BudgetEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in document.RootElement.GetProperty("benchmarks").EnumerateArray())
        {
            var name = item.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (string.IsNullOrEmpty(name) || !item.TryGetProperty("bytes", out var bytes) || !names.Add(name))
            {
                throw new FormatException($"Budget entry without a name or bytes, or listed twice: {item.GetRawText()}");
            }

            var tolerance = item.TryGetProperty("tolerancePercent", out var t) ? t.GetDouble() : 0;
            entries.Add(new BudgetEntry(name, bytes.GetInt64(), tolerance));
        }

        return entries;
    }

    /// <summary>
    /// Reads one BenchmarkDotNet JSON report into <paramref name="measured"/>: full name -> bytes allocated per
    /// operation, or null when the benchmark has no memory data.
    /// </summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    public static void ReadReport(string json, Dictionary<string, long?> measured)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            var name = benchmark.GetProperty("FullName").GetString() ?? "";
            measured[name] = benchmark.TryGetProperty("Memory", out var memory)
                && memory.ValueKind == JsonValueKind.Object
                && memory.TryGetProperty("BytesAllocatedPerOperation", out var bytes)
                && bytes.ValueKind == JsonValueKind.Number
                    ? bytes.GetInt64()
                    : null;
        }
    }

    /// <summary>Checks every budget entry against the measurements, in budget order.</summary>
    public static IReadOnlyList<GateResult> Check(IReadOnlyList<BudgetEntry> budget, IReadOnlyDictionary<string, long?> measured)
    {
        var results = new List<GateResult>(budget.Count);
        foreach (var entry in budget)
        {
            var limit = entry.TolerancePercent > 0
                ? string.Create(CultureInfo.InvariantCulture, $"budget {entry.Bytes} B/op +{entry.TolerancePercent}% = {entry.MaxBytes} B/op")
                : string.Create(CultureInfo.InvariantCulture, $"budget {entry.Bytes} B/op");
            results.Add(measured.TryGetValue(entry.Name, out var bytes)
                ? bytes switch
                {
                    null => new GateResult(entry.Name, false, "no allocation data (is [MemoryDiagnoser] on?)"),
                    var b when b > entry.MaxBytes => new GateResult(entry.Name, false, string.Create(CultureInfo.InvariantCulture, $"allocates {b} B/op, {limit}")),
                    var b when b < entry.Bytes => new GateResult(entry.Name, true, string.Create(CultureInfo.InvariantCulture, $"{b} B/op, {limit} (below budget: lower it)")),
                    var b => new GateResult(entry.Name, true, string.Create(CultureInfo.InvariantCulture, $"{b} B/op, {limit}")),
                }
                : new GateResult(entry.Name, false, "missing from the BenchmarkDotNet reports"));
        }

        return results;
    }
}
