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
/// Measured as a ratio of medians (attack / idle), never as wall-clock time: machines are shared and noisy, so idle and
/// attack phases alternate (the load of the rest of the machine drifts over seconds and must hit both alike).
/// </summary>
[Collection(Alone)]
public sealed class HashExhaustionTests(HashExhaustionGateway fixture, ITestOutputHelper output) : IClassFixture<HashExhaustionGateway>
{
    /// <summary>Runs after the parallel classes, by itself: the other test gateways' CPU would be measured as the attack's.</summary>
    public const string Alone = "hash exhaustion, alone";

    private const int Attackers = 16;
    private const int Rounds = 4;
    private const int SamplesPerPhase = 7;
    private const double MaxRatio = 10;

    [Fact]
    public async Task ClientCredentials_Under16ParallelBogusPasswordGrants_StaysFarBelowTheUnboundedRatio()
    {
        var victim = await OAuthCalls.CreateClientAsync(fixture.Admin, "view");
        var passwordClient = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin);
        using var http = fixture.Gateway.CreateClient();
        using var attack = fixture.Gateway.CreateClient();
        await SampleAsync(http, victim, 3, []); // warm-up: JIT, connections
        var idle = new List<double>();
        var underAttack = new List<double>();
        var statuses = new int[600];
        var checkedWhileMeasuring = 0;
        for (var round = 0; round < Rounds; round++)
        {
            await SampleAsync(http, victim, SamplesPerPhase, idle);

            using var stop = new CancellationTokenSource();
            var attackers = Enumerable.Range(0, Attackers).Select(_ => AttackAsync(attack, passwordClient, statuses, stop.Token)).ToArray();
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // every attacker has a request in the gateway
            var checkedBefore = Volatile.Read(ref statuses[400]);
            await SampleAsync(http, victim, SamplesPerPhase, underAttack);
            checkedWhileMeasuring += Volatile.Read(ref statuses[400]) - checkedBefore;
            // Aborting the attackers' requests drops their queued checks; the one running finishes in the pause.
            await stop.CancelAsync();
            await Task.WhenAll(attackers);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }

        var (idleMedian, attackMedian) = (Median(idle), Median(underAttack));
        var ratio = attackMedian / idleMedian;
        output.WriteLine($"client_credentials median: idle {idleMedian:F1} ms, under {Attackers} parallel bogus password grants {attackMedian:F1} ms, ratio {ratio:F2}x ({Rounds} alternating rounds of {SamplesPerPhase} calls each)");
        output.WriteLine($"attack responses: 400 (hashed) {statuses[400]} ({checkedWhileMeasuring} while measuring), 503 (shed) {statuses[503]}, 429 {statuses[429]}");
        // Every answer the attack got was a password check's (400) or a shed one (503), never a client or limit refusal.
        // How many it got depends on the machine: on an oversubscribed one the low-priority hashing barely progresses.
        Assert.Equal(0, statuses[401] + statuses[429]);
        // A guard against losing the bound, not the target: unbounded hashing measures 21-26x here (perf/RESULTS.md), while
        // the 2x target is measured by perf/load/hash-exhaustion. A CI machine with fewer free cores read 4.8x with the bound.
        Assert.True(ratio <= MaxRatio, $"client_credentials took {ratio:F2}x its idle median under attack");
    }

    /// <summary>One attacker: bogus password grants for fresh usernames, back to back, until stopped.</summary>
    private static async Task AttackAsync(HttpClient attack, RegisteredClient client, int[] statuses, CancellationToken stop)
    {
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
                {
                    Content = new FormUrlEncodedContent([new("grant_type", "password"), new("username", PasswordGrantTests.NewUsername()), new("password", "not-the-password")]),
                };
                request.Headers.Authorization = OAuthCalls.Basic(new OAuthCalls.ClientCredentials(client.ClientId, client.ClientSecret!));
                using var response = await attack.SendAsync(request, stop);
                Interlocked.Increment(ref statuses[(int)response.StatusCode]);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Times <paramref name="count"/> sequential client_credentials token calls (milliseconds) into <paramref name="times"/>.</summary>
    private static async Task SampleAsync(HttpClient http, OAuthCalls.ClientCredentials client, int count, List<double> times)
    {
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await OAuthCalls.RequestTokenAsync(http, client);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

/// <summary>The collection of <see cref="HashExhaustionTests"/>: not run in parallel with any other.</summary>
[CollectionDefinition(HashExhaustionTests.Alone, DisableParallelization = true)]
public sealed class HashExhaustionAlone;
