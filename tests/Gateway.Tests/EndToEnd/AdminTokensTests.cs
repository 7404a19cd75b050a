using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>The admin API's token operations against the real gateway process, over real sockets.</summary>
[Collection(SharedGateway.Name)]
public sealed class AdminTokensTests(GatewayFixture fixture)
{
    private const string Password = "flux-capacitor-88";

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ListTokens_FiltersAndPaging_EachTokenExactlyOnce()
    {
        var (client, owner, tokens) = await IssueAsync(grants: 4); // 4 access + 4 refresh tokens
        await ReadTokensAsync(await PasswordAsync(Http, client, owner, Password)); // a fifth grant, then revoke its access token
        var all = await ListAllAsync($"client_id={client.ClientId}", limit: 3);

        Assert.Equal(10, all.Count);
        Assert.Equal(all.Count, all.Select(t => t.GetProperty("token_id").GetString()).Distinct().Count());
        Assert.All(all, t => Assert.Equal(owner, t.GetProperty("owner").GetString()));
        Assert.Equal(5, all.Count(t => t.GetProperty("token_type").GetString() == "refresh_token"));
        Assert.DoesNotContain(all, t => t.ToString().Contains(tokens[0].AccessToken, StringComparison.Ordinal));
        Assert.All(all, t => Assert.Equal("view book", t.GetProperty("scope").GetString()));

        var victim = all.First(t => t.GetProperty("token_type").GetString() == "access_token").GetProperty("token_id").GetString()!;
        using (var delete = await AdminAsync(HttpMethod.Delete, $"/admin/v1/tokens/{victim}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Single(await ListAllAsync($"owner={owner}&status=revoked", limit: 3));
        Assert.Equal(9, (await ListAllAsync($"owner={owner}&status=active", limit: 2)).Count);
        Assert.Empty(await ListAllAsync($"owner={owner}&status=expired", limit: 3));
        using var unknown = await AdminAsync(HttpMethod.Delete, $"/admin/v1/tokens/{new string('A', 43)}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task DeleteToken_ById_NextProxiedRequest401()
    {
        var (client, _, tokens) = await IssueAsync(grants: 1);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, tokens[0].AccessToken)).Status);
        var id = (await ListAllAsync($"client_id={client.ClientId}&status=active", limit: 10))
            .Single(t => t.GetProperty("token_type").GetString() == "access_token").GetProperty("token_id").GetString();

        using var delete = await AdminAsync(HttpMethod.Delete, $"/admin/v1/tokens/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(Http, tokens[0].AccessToken)).Status);
    }

    [Fact]
    public async Task RevokeOwner_LogOutEverywhere_EveryTokenFails_RefreshInvalidGrant()
    {
        var (client, owner, tokens) = await IssueAsync(grants: 3);
        var other = await IssueAsync(grants: 1);
        var refreshed = await ReadTokensAsync(await RefreshAsync(Http, client, tokens[0].RefreshToken!));

        using var response = await AdminAsync(HttpMethod.Post, "/admin/v1/tokens/revoke", $$"""{"owner":"{{owner}}"}""");
        var revoked = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("revoked").GetInt32();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(8, revoked); // 4 access + 4 refresh (one rotated refresh token is consumed, still counted)
        foreach (var access in tokens.Select(t => t.AccessToken).Append(refreshed.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetBookingsAsync(Http, access)).Status);
        }

        foreach (var refresh in tokens.Skip(1).Select(t => t.RefreshToken!).Append(refreshed.RefreshToken!))
        {
            await AssertErrorAsync(await RefreshAsync(Http, client, refresh), "invalid_grant");
        }

        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, other.Tokens[0].AccessToken)).Status);
    }

    [Fact]
    public async Task RevokeClient_EveryTokenOfTheClientFails()
    {
        var (client, _, tokens) = await IssueAsync(grants: 2);

        using var response = await AdminAsync(HttpMethod.Post, "/admin/v1/tokens/revoke", $$"""{"client_id":"{{client.ClientId}}"}""");

        Assert.Contains("\"revoked\":4", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(tokens.Select(t => GetBookingsAsync(Http, t.AccessToken))), r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        using var byToken = await AdminAsync(HttpMethod.Post, "/admin/v1/tokens/revoke", $$"""{"token":"{{tokens[0].AccessToken}}"}""");
        Assert.Contains("\"revoked\":0", await byToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var two = await AdminAsync(HttpMethod.Post, "/admin/v1/tokens/revoke", $$"""{"owner":"x","client_id":"y"}""");
        Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
    }

    [Fact]
    public async Task TokenAdmin_WrongOrMissingKey_401AndNothingChanges()
    {
        var (client, owner, tokens) = await IssueAsync(grants: 1);
        foreach (var key in new[] { "wrong-key", null })
        {
            foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
            {
                (HttpMethod.Get, "/admin/v1/tokens", null),
                (HttpMethod.Post, "/admin/v1/tokens/revoke", $$"""{"owner":"{{owner}}"}"""),
                (HttpMethod.Post, "/admin/v1/tokens/remove-expired", null),
                (HttpMethod.Post, "/invoke/pub.oauth/removeExpiredAccessTokens", null),
            })
            {
                using var request = new HttpRequestMessage(method, path);
                if (key is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                }

                request.Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, tokens[0].AccessToken)).Status);
        Assert.Equal(2, (await ListAllAsync($"client_id={client.ClientId}&status=active", limit: 5)).Count);
    }

    [Fact]
    public async Task RemoveExpired_ReturnsCount_LiveTokensStillWork_AliasToo()
    {
        var shortLived = await CreateClientAsync(Http, """{"client_name":"short","scope":"view","access_token_lifetime":1}""");
        var issued = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await TokenAsync(Http, shortLived, ("grant_type", "client_credentials"));
            issued.Add((await ReadTokensAsync(r)).AccessToken);
        }

        var (_, _, live) = await IssueAsync(grants: 1);
        // Expiry is in whole seconds: wait until the store's clock has passed the 1 s lifetime.
        while ((await ListAllAsync($"client_id={shortLived.ClientId}&status=expired", limit: 10)).Count < 3)
        {
            await Task.Delay(250);
        }

        using var response = await AdminAsync(HttpMethod.Post, "/admin/v1/tokens/remove-expired");
        var removed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("removed").GetInt32();
        using var alias = await AdminAsync(HttpMethod.Post, "/invoke/pub.oauth/removeExpiredAccessTokens");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(removed >= 3, $"removed {removed}");
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        Assert.Contains("\"removed\":", await alias.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await ListAllAsync($"client_id={shortLived.ClientId}", limit: 10));
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(Http, live[0].AccessToken)).Status);
    }

    private async Task<(RegisteredClient Client, string Owner, List<Tokens> Tokens)> IssueAsync(int grants)
    {
        var owner = PasswordGrantTests.NewUsername();
        await CreateUserAsync(Http, owner, Password);
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http);
        var tokens = new List<Tokens>();
        for (var i = 0; i < grants; i++)
        {
            tokens.Add(await ReadTokensAsync(await PasswordAsync(Http, client, owner, Password)));
        }

        return (client, owner, tokens);
    }

    /// <summary>Follows next_cursor to the end; fails on a token seen twice.</summary>
    private async Task<List<JsonElement>> ListAllAsync(string filter, int limit)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var response = await AdminAsync(HttpMethod.Get, $"/admin/v1/tokens?{filter}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var root = JsonDocument.Parse(text).RootElement;
            var page = root.GetProperty("tokens").EnumerateArray().ToList();
            Assert.True(page.Count <= limit);
            all.AddRange(page);
            cursor = root.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(all.Count, all.Select(t => t.GetProperty("token_id").GetString()).Distinct().Count());
        return all;
    }

    private Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return Http.SendAsync(request);
    }
}
