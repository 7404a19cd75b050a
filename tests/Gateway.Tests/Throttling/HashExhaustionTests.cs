using System.Diagnostics;
using System.Net;
using FastGateway.Tests.EndToEnd;
using FastGateway.Tests.Infrastructure;
using Xunit.Abstractions;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.Throttling;

/// <summary>
/// The failure limits and lockout off (as if guesses came from many addresses for many usernames), the hashing bound
/// at its defaults: what is left to protect the other endpoints is the bound alone.
/// </summary>
public sealed class HashExhaustionGateway : ThrottledGateway
{
    protected override string[] Arguments => ["--Throttling:Enabled=false"];
}

/// <summary>
/// CPU exhaustion through PBKDF2 (about 0.2 s of CPU per password check): 16 parallel bogus password grants once made a
/// client_credentials token call take 2.49 s instead of 0.023 s. The bound on concurrent hashing keeps cores free.
/// Measured as a ratio of medians (attack / idle), never as wall-clock time: machines are shared and noisy.
/// </summary>
public sealed class HashExhaustionTests(HashExhaustionGateway fixture, ITestOutputHelper output) : IClassFixture<HashExhaustionGateway>
{
    private const int Attackers = 16;
    private const int Samples = 15;

    [Fact]
    public async Task ClientCredentials_Under16ParallelBogusPasswordGrants_StaysWithinFourTimesIdle()
    {
        var victim = await OAuthCalls.CreateClientAsync(fixture.Admin, "view");
        var passwordClient = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin);
        using var http = fixture.Gateway.CreateClient();
        await MedianAsync(http, victim, 3); // warm-up: JIT, connections
        var idle = await MedianAsync(http, victim, Samples);

        using var stop = new CancellationTokenSource();
        using var attack = fixture.Gateway.CreateClient();
        var statuses = new int[600];
        var attackers = Enumerable.Range(0, Attackers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await PasswordAsync(attack, passwordClient, PasswordGrantTests.NewUsername(), "not-the-password");
                Interlocked.Increment(ref statuses[(int)response.StatusCode]);
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1)); // every attacker has a request in the gateway
        var checkedBefore = Volatile.Read(ref statuses[400]);
        var underAttack = await MedianAsync(http, victim, Samples);
        var checkedDuring = Volatile.Read(ref statuses[400]) - checkedBefore;
        await stop.CancelAsync();
        await Task.WhenAll(attackers);

        var ratio = underAttack.TotalMilliseconds / idle.TotalMilliseconds;
        output.WriteLine($"client_credentials median: idle {idle.TotalMilliseconds:F1} ms, under {Attackers} parallel bogus password grants {underAttack.TotalMilliseconds:F1} ms, ratio {ratio:F2}x");
        output.WriteLine($"attack responses: 400 (hashed) {statuses[400]} ({checkedDuring} while measuring), 503 (shed) {statuses[503]}, 429 {statuses[429]}");
        Assert.True(statuses[400] > 0, "the attack never reached the password check");
        Assert.True(ratio <= 4, $"client_credentials took {ratio:F2}x its idle median under attack");
    }

    /// <summary>Median time of <paramref name="count"/> sequential client_credentials token calls.</summary>
    private static async Task<TimeSpan> MedianAsync(HttpClient http, OAuthCalls.ClientCredentials client, int count)
    {
        var times = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await OAuthCalls.RequestTokenAsync(http, client);
            times.Add(Stopwatch.GetElapsedTime(started));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        times.Sort();
        return times[count / 2];
    }
}
