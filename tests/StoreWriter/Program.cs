// Usage: dotnet FastGateway.StoreWriter.dll <path> <run id> <count per writer> <writers>
// Writes tokens "<run id>-<writer>-<n>" and prints each token's text on its own line only after AddAsync
// completed (the write is acknowledged as durable). Prints "ready" once the store is open, "done" at the end.
// Optional environment: STOREWRITER_MEMORY (log memory, bytes; default 1 MiB), STOREWRITER_SESSIONS (write sessions).
using FastGateway.TokenStore;
using Microsoft.Extensions.Logging.Abstractions;

var path = args[0];
var runId = args[1];
var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var writers = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);

var memory = long.Parse(Environment.GetEnvironmentVariable("STOREWRITER_MEMORY") ?? "1048576", System.Globalization.CultureInfo.InvariantCulture);
var writeSessions = int.Parse(Environment.GetEnvironmentVariable("STOREWRITER_SESSIONS") ?? "32", System.Globalization.CultureInfo.InvariantCulture);
var store = await FasterTokenStore.OpenAsync(new TokenStoreOptions { Path = path, MemorySizeBytes = memory, IndexBuckets = 1 << 12, WriteSessions = writeSessions }, NullLogger<FasterTokenStore>.Instance);
var stdout = Console.Out;
stdout.WriteLine("ready");

var tasks = new Task[writers];
for (var w = 0; w < writers; w++)
{
    var writer = w;
    tasks[w] = Task.Run(async () =>
    {
        for (var n = 0; n < count; n++)
        {
            var token = $"{runId}-{writer}-{n}";
            TokenHash.TryCompute(token, out var key);
            var record = TokenRecord.Create(TokenKind.AccessToken, $"client-{writer}", null, (ulong)n, 1, n, n + 3600);
            await store.AddAsync(key, record, CancellationToken.None);
            lock (stdout)
            {
                stdout.WriteLine(token);
                stdout.Flush();
            }
        }
    });
}

await Task.WhenAll(tasks);
await store.DisposeAsync();
stdout.WriteLine("done");
