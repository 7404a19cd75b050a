using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// A reuse grace window (OAuth:RefreshTokenReuseGrace=60): a rotated refresh token presented again within it gets a new
/// pair, but a grant never keeps more than one usable refresh token, and a reuse after the successor was used revokes it.
/// </summary>
public sealed class RefreshTokenGraceTests : IAsyncLifetime
{
    private const string Password = "delorean-dmc-12";
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;
    private GatewayProcess _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TimeTravelsUpstream.StartAsync();
        _gateway = await GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'), "--OAuth:RefreshTokenReuseGrace=60");
        _http = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    private async Task<(RegisteredClient Client, Tokens Tokens)> SignInAsync()
    {
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(_http, username, Password);
        var client = await PasswordGrantTests.CreatePasswordClientAsync(_http, refreshLimit: 5);
        using var response = await PasswordAsync(_http, client, username, Password);
        return (client, await ReadTokensAsync(response));
    }

    private async Task<bool> IntrospectActiveAsync(string token)
    {
        // Introspection needs the permission (RFC 7662 section 2.1): a resource server asks, not the token's client.
        var resourceServer = await OAuthCalls.CreateResourceServerAsync(_http);
        using var response = await OAuthCalls.IntrospectAsync(_http, resourceServer, token);
        return (await OAuthCalls.ReadJsonAsync(response)).GetProperty("active").GetBoolean();
    }

    [Fact]
    public async Task Refresh_ReuseWithinGrace_SecondPairSupersedesTheFirstsRefreshToken()
    {
        var (client, first) = await SignInAsync();

        using var response1 = await RefreshAsync(_http, client, first.RefreshToken!);
        var pair1 = await ReadTokensAsync(response1);
        using var response2 = await RefreshAsync(_http, client, first.RefreshToken!);
        var pair2 = await ReadTokensAsync(response2);

        // Both access tokens work until they expire; only the latest refresh token does.
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(_http, pair1.AccessToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(_http, pair2.AccessToken)).Status);
        Assert.False(await IntrospectActiveAsync(pair1.RefreshToken!));
        Assert.True(await IntrospectActiveAsync(pair2.RefreshToken!));
        using var fromPair1 = await RefreshAsync(_http, client, pair1.RefreshToken!);
        Assert.Contains("superseded", await AssertErrorAsync(fromPair1, "invalid_grant"), StringComparison.Ordinal);
        using var fromPair2 = await RefreshAsync(_http, client, pair2.RefreshToken!);
        var next = await ReadTokensAsync(fromPair2);

        // The superseded token's refusal did not revoke the grant.
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(_http, next.AccessToken)).Status);
    }

    [Fact]
    public async Task Refresh_ConcurrentRefreshesWithinGrace_AllAnsweredExactlyOneChainSurvives()
    {
        var (client, first) = await SignInAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefreshAsync(_http, client, first.RefreshToken!)));
        var pairs = new List<Tokens>();
        foreach (var response in responses)
        {
            pairs.Add(await ReadTokensAsync(response));
            response.Dispose();
        }

        var usable = 0;
        foreach (var pair in pairs)
        {
            using var next = await RefreshAsync(_http, client, pair.RefreshToken!);
            if (next.StatusCode == HttpStatusCode.OK)
            {
                usable++;
            }
            else
            {
                Assert.Contains("superseded", await AssertErrorAsync(next, "invalid_grant"), StringComparison.Ordinal);
            }
        }

        Assert.Equal(4, pairs.Select(p => p.RefreshToken).Distinct().Count());
        Assert.Equal(1, usable);
    }

    [Fact]
    public async Task Refresh_ReuseWithinGraceAfterSuccessorWasUsed_RevokesTheGrant()
    {
        var (client, first) = await SignInAsync();
        using var rotate = await RefreshAsync(_http, client, first.RefreshToken!);
        var second = await ReadTokensAsync(rotate);
        using var rotateAgain = await RefreshAsync(_http, client, second.RefreshToken!);
        var third = await ReadTokensAsync(rotateAgain);

        // The chain moved past the first rotation: the old token coming back is a leak, not a concurrent refresh.
        using var reused = await RefreshAsync(_http, client, first.RefreshToken!);

        Assert.Contains("already used", await AssertErrorAsync(reused, "invalid_grant"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(_http, third.AccessToken)).Status);
        using var afterRevocation = await RefreshAsync(_http, client, third.RefreshToken!);
        await AssertErrorAsync(afterRevocation, "invalid_grant");
    }
}
