using System.Diagnostics;
using System.Reflection;
using Xunit.Abstractions;

namespace FastGateway.Tests.TokenStore;

/// <summary>
/// Durability against kill -9: a child process (tests/StoreWriter) writes tokens and prints each one only after
/// AddAsync completed; the test SIGKILLs it mid-stream, reopens the store and checks every acknowledged token.
/// </summary>
public sealed class FasterTokenStoreCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // A small in-memory log (64 KiB) keeps writers waiting for page flushes while checkpoints run: the case in which
    // FASTER's own session commit points acknowledged writes that no checkpoint held (see FasterTokenStore remarks).
    [Theory]
    [InlineData(1, 60, 1 << 20)]
    [InlineData(8, 200, 1 << 20)]
    [InlineData(32, 400, 64 << 10)]
    public async Task AddAsync_ProcessKilledMidStream_EveryAcknowledgedTokenRecovered(int writers, int killAfter, int logMemoryBytes)
    {
        // Two runs on the same folder: the second recovers the first's kill -9 leftovers, then is killed too.
        var acknowledged = new List<string>();
        foreach (var run in new[] { "run1", "run2" })
        {
            var (tokens, completed) = await RunWriterAndKillAsync(run, writers, killAfter, logMemoryBytes);
            Assert.False(completed, "the writer finished before it was killed; raise the count");
            output.WriteLine($"{run}: {writers} writer(s), killed after {tokens.Count} acknowledged writes");
            acknowledged.AddRange(tokens);
        }

        await using var store = await _folder.OpenAsync();
        var missing = acknowledged.Where(t => !store.TryGet(TempStoreFolder.Key(t), out _)).ToList();
        output.WriteLine($"recovered version {store.RecoveredVersion}: {acknowledged.Count - missing.Count}/{acknowledged.Count} acknowledged tokens present");
        Assert.Empty(missing);
    }

    private async Task<(List<string> Tokens, bool Completed)> RunWriterAndKillAsync(string runId, int writers, int killAfter, int logMemoryBytes)
    {
        var writerDll = typeof(FasterTokenStoreCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "StoreWriterPath").Value!;
        Assert.True(File.Exists(writerDll), $"missing {writerDll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["STOREWRITER_MEMORY"] = logMemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        foreach (var arg in new[] { writerDll, _folder.Path, runId, "100000", writers.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var tokens = new List<string>();
        var completed = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null)
        {
            if (line == "ready")
            {
                continue;
            }

            if (line == "done")
            {
                completed = true;
                break;
            }

            tokens.Add(line);
            if (tokens.Count == killAfter)
            {
                process.Kill(entireProcessTree: false); // SIGKILL on Unix
                break;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        // Lines the child printed before it died are acknowledged too.
        while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null)
        {
            if (line != "ready" && line != "done")
            {
                tokens.Add(line);
            }
        }

        var stderr = await process.StandardError.ReadToEndAsync(timeout.Token);
        Assert.True(string.IsNullOrWhiteSpace(stderr) || tokens.Count > 0, stderr);
        return (tokens, completed);
    }
}
