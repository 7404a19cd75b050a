using System.Net;
using FastGateway.Tests.EndToEnd;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.Throttling;

/// <summary>
/// Lockout after 2 failures, 2 s per 2 failures, at most 4 s; the failure limits off; one password check at a time
/// with one waiting; the password grant open to public clients (the opt-in).
/// </summary>
public sealed class LockoutGateway : ThrottledGateway
{
    protected override string[] Arguments =>
    [
        "--Throttling:Address:PermitLimit=0",
        "--Throttling:Username:PermitLimit=0",
        "--Throttling:Client:PermitLimit=0",
        "--Throttling:Lockout:FailureFactor=2",
        "--Throttling:Lockout:WaitIncrement=2",
        "--Throttling:Lockout:MaxWait=4",
        "--Throttling:Hashing:MaxConcurrent=1",
        "--Throttling:Hashing:QueueLimit=1",
        "--OAuth:AllowPasswordGrantForPublicClients=true",
    ];
}

/// <summary>
/// Keycloak-style temporary lockout with backoff per username (a locked username is refused before any hashing), the
/// bounded hashing queue (503 past it), and <c>OAuth:AllowPasswordGrantForPublicClients</c>.
/// </summary>
public sealed class LockoutTests(LockoutGateway fixture) : IClassFixture<LockoutGateway>
{
    private const string Password = "flux-capacitor-88";

    private async Task<string> NewUserAsync()
    {
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(fixture.Admin, username, Password);
        return username;
    }

    [Fact]
    public async Task Lockout_AfterFailureFactor_RefusedWithoutHashing_WaitGrowsThenClears_OtherUsersServed()
    {
        var http = fixture.Admin;
        var (victim, bystander) = (await NewUserAsync(), await NewUserAsync());
        var client = await PasswordGrantTests.CreatePasswordClientAsync(http);
        await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-1"), "invalid_grant");
        await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-2"), "invalid_grant"); // 2 failures: locked 2 s

        using var locked = await PasswordAsync(http, client, victim, Password);
        // Ten at once: had any of them reached the hashing queue (one running, one waiting), some would be 503.
        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PasswordAsync(http, client, victim, Password)));
        using var bystanderServed = await PasswordAsync(http, client, bystander, Password);

        var firstWait = await ThrottledGateway.AssertThrottledAsync(locked, (HttpStatusCode)429, "temporarily_locked");
        Assert.InRange(firstWait, 1, 2);
        Assert.All(burst, response => Assert.Equal((HttpStatusCode)429, response.StatusCode));
        await ReadTokensAsync(bystanderServed);

        await Task.Delay(TimeSpan.FromSeconds(2.3));
        await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-3"), "invalid_grant"); // 3: locked 2 s again
        await Task.Delay(TimeSpan.FromSeconds(2.3));
        await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-4"), "invalid_grant"); // 4: locked 4 s
        using var lockedLonger = await PasswordAsync(http, client, victim, Password);
        var secondWait = await ThrottledGateway.AssertThrottledAsync(lockedLonger, (HttpStatusCode)429, "temporarily_locked");
        Assert.InRange(secondWait, 3, 4);

        await Task.Delay(TimeSpan.FromSeconds(secondWait + 0.3));
        await ReadTokensAsync(await PasswordAsync(http, client, victim, Password)); // the right password clears the count
        await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-5"), "invalid_grant"); // 1 failure: not locked
        await AssertErrorAsync(await PasswordAsync(http, client, victim, "guess-6"), "invalid_grant");
        var log = await fixture.WaitForLogAsync($"user.lockout client=- owner={victim}");
        Assert.Contains($"audit gateway user.lockout client=- owner={victim} token=-: locked 4 s after 4 failures", log, StringComparison.Ordinal);
        foreach (var response in burst)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Hashing_QueueFull_503WithRetryAfterAndJson()
    {
        var client = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin);

        // Twelve guesses at once, each for a different username (no lockout): one hashes, one waits, the rest are shed.
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PasswordAsync(fixture.Admin, client, PasswordGrantTests.NewUsername(), "guess")));

        var shed = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(shed);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.BadRequest);
        foreach (var response in shed)
        {
            Assert.Equal(1, await ThrottledGateway.AssertThrottledAsync(response, HttpStatusCode.ServiceUnavailable, "temporarily_unavailable"));
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Password_PublicClientWithOptIn_Allowed()
    {
        var username = await NewUserAsync();
        var client = await PasswordGrantTests.CreatePasswordClientAsync(fixture.Admin, authMethod: "none");

        var tokens = await ReadTokensAsync(await PasswordAsync(fixture.Admin, client, username, Password));

        Assert.Null(client.ClientSecret);
        Assert.Equal("view book", tokens.Scope);
    }
}
