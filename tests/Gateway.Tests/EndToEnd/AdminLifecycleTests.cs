using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The admin API's lifecycle calls over real sockets: paging, PATCH (incl. suspend/resume), DELETE, secret
/// rotation, users, and their effect on live tokens at the proxy, introspection and the token endpoint.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class AdminLifecycleTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    internal static HttpRequestMessage AdminRequest(HttpMethod method, string path, string? json = null, string? key = GatewayProcess.AdminKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Http.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private async Task<HttpStatusCode> BookingsStatusAsync(string token)
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        return response.StatusCode;
    }

    private async Task<bool> IntrospectActiveAsync(ClientCredentials caller, string token)
    {
        using var response = await IntrospectAsync(Http, caller, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("active").GetBoolean();
    }

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("n")[..12];

    [Fact]
    public async Task DeleteClient_LiveTokensFailAtProxyAndIntrospection_Returns204()
    {
        var client = await CreateClientAsync(Http, "view");
        var introspector = await CreateResourceServerAsync(Http);
        var token = await GetTokenAsync(Http, client);
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(token));

        var (status, _) = await SendAsync(AdminRequest(HttpMethod.Delete, $"/admin/v1/clients/{client.ClientId}"));

        Assert.Equal(HttpStatusCode.NoContent, status);
        using var api = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("invalid_token", (await ReadJsonAsync(api)).GetProperty("error").GetString());
        Assert.False(await IntrospectActiveAsync(introspector, token));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(AdminRequest(HttpMethod.Get, $"/admin/v1/clients/{client.ClientId}"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(AdminRequest(HttpMethod.Delete, $"/admin/v1/clients/{client.ClientId}"))).Status);
        Assert.Contains($"audit admin client.delete client={client.ClientId} owner=- token=-: ok", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteClient_RegisteredAgainWithSameId_OldTokensStayDead()
    {
        var id = NewId("again-");
        var first = await CreateClientFromMetadataAsync(Http, $$"""{"client_id":"{{id}}","scope":"view"}""");
        var token = await GetTokenAsync(Http, first);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(AdminRequest(HttpMethod.Delete, $"/admin/v1/clients/{id}"))).Status);
        await Task.Delay(1100); // client_id_issued_at has second resolution

        var second = await CreateClientFromMetadataAsync(Http, $$"""{"client_id":"{{id}}","scope":"view"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, await BookingsStatusAsync(token));
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(await GetTokenAsync(Http, second)));
    }

    [Fact]
    public async Task SuspendResume_TokensFailAndTokenEndpointRefuses_ThenWorkAgain()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        var (status, body) = await SendAsync(AdminRequest(HttpMethod.Patch, $"/admin/v1/clients/{client.ClientId}", """{"suspended":true}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, await BookingsStatusAsync(token));
        using (var refused = await RequestTokenAsync(Http, client))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("unauthorized_client", (await ReadJsonAsync(refused)).GetProperty("error").GetString());
        }

        (status, body) = await SendAsync(AdminRequest(HttpMethod.Patch, $"/admin/v1/clients/{client.ClientId}", """{"suspended":false}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(token));
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(await GetTokenAsync(Http, client)));
        Assert.Contains($"audit admin client.suspend client={client.ClientId} owner=- token=-: ok", fixture.Gateway.Output, StringComparison.Ordinal);
        Assert.Contains($"audit admin client.resume client={client.ClientId} owner=- token=-: ok", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateSecret_OldSecretFailsNewWorks_IssuedTokensStayValid()
    {
        var client = await CreateClientAsync(Http, "view");
        var token = await GetTokenAsync(Http, client);

        var (status, body) = await SendAsync(AdminRequest(HttpMethod.Post, $"/admin/v1/clients/{client.ClientId}/secret"));

        Assert.Equal(HttpStatusCode.OK, status);
        var rotated = client with { ClientSecret = body.GetProperty("client_secret").GetString()! };
        Assert.NotEqual(client.ClientSecret, rotated.ClientSecret);
        using (var old = await RequestTokenAsync(Http, client))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
            Assert.Equal("invalid_client", (await ReadJsonAsync(old)).GetProperty("error").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(await GetTokenAsync(Http, rotated)));
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(token));
        Assert.False((await SendAsync(AdminRequest(HttpMethod.Get, $"/admin/v1/clients/{client.ClientId}"))).Body.TryGetProperty("client_secret", out _));
        Assert.DoesNotContain(rotated.ClientSecret, fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchClient_ChangesFields_InvalidChangesAre400WithReason()
    {
        var client = await CreateClientAsync(Http, "view");
        var path = $"/admin/v1/clients/{client.ClientId}";

        var (status, body) = await SendAsync(AdminRequest(HttpMethod.Patch, path, """{"client_name":"Renamed","scope":"view book","access_token_lifetime":120}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Renamed", body.GetProperty("client_name").GetString());
        Assert.Equal("view book", body.GetProperty("scope").GetString());
        using (var token = await RequestTokenAsync(Http, client, "book"))
        {
            Assert.Equal(120, (await ReadJsonAsync(token)).GetProperty("expires_in").GetInt32());
        }

        foreach (var (json, reason) in new[]
        {
            ("""{"scope":"view teleport"}""", "unknown scope 'teleport'"),
            ("""{"access_token_lifetime":0}""", "access_token_lifetime"),
            ("""{"refresh_limit":2}""", "refresh_limit above 0 needs refresh_token"),
            ("""{"token_endpoint_auth_method":"none"}""", "cannot use client_credentials"),
            ("""{"redirect_uris":["not a uri"]}""", "must be absolute"),
            ("""{"client_id":"other"}""", "client_id"),
        })
        {
            (status, body) = await SendAsync(AdminRequest(HttpMethod.Patch, path, json));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(reason, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        }

        (status, body) = await SendAsync(AdminRequest(HttpMethod.Get, path));
        Assert.Equal("view book", body.GetProperty("scope").GetString());
        Assert.Equal(120, body.GetProperty("access_token_lifetime").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(AdminRequest(HttpMethod.Patch, "/admin/v1/clients/no-such-client", """{"client_name":"x"}"""))).Status);
    }

    [Fact]
    public async Task ListClients_PagesOfTwo_EveryClientOnceInOrder()
    {
        var prefix = NewId("page-");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await CreateClientFromMetadataAsync(Http, $$"""{"client_id":"{{prefix}}-{{i}}","scope":"view"}""")).ClientId);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (status, body) = await SendAsync(AdminRequest(HttpMethod.Get, cursor is null ? "/admin/v1/clients?limit=2" : $"/admin/v1/clients?limit=2&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.Equal(HttpStatusCode.OK, status);
            var page = body.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("client_id").GetString()!).ToList();
            Assert.InRange(page.Count, 1, 2);
            Assert.All(body.GetProperty("clients").EnumerateArray(), c => Assert.False(c.TryGetProperty("client_secret", out _)));
            seen.AddRange(page);
            cursor = body.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10_000);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(created, seen.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients?limit=501"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients?cursor=%%%"))).Status);
    }

    [Fact]
    public async Task DeleteUser_PasswordGrantTokensFail_UserGone()
    {
        var username = PasswordGrantTests.NewUsername();
        await GrantCalls.CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http);
        using var granted = await GrantCalls.PasswordAsync(Http, client, username, "flux-capacitor-88", "view");
        var tokens = await GrantCalls.ReadTokensAsync(granted);
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(tokens.AccessToken));

        var (status, _) = await SendAsync(AdminRequest(HttpMethod.Delete, $"/admin/v1/users/{username}"));

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.Unauthorized, await BookingsStatusAsync(tokens.AccessToken));
        using var refresh = await GrantCalls.RefreshAsync(Http, client, tokens.RefreshToken!);
        await GrantCalls.AssertErrorAsync(refresh, "invalid_grant");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(AdminRequest(HttpMethod.Get, $"/admin/v1/users/{username}"))).Status);
    }

    [Fact]
    public async Task PatchUser_NewPasswordWorksOldFails_ShortPasswordIs400()
    {
        var username = PasswordGrantTests.NewUsername();
        await GrantCalls.CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http, refreshLimit: 0);

        var (status, body) = await SendAsync(AdminRequest(HttpMethod.Patch, $"/admin/v1/users/{username}", """{"password":"great-scott-1955"}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("password", out _));
        using (var old = await GrantCalls.PasswordAsync(Http, client, username, "flux-capacitor-88"))
        {
            await GrantCalls.AssertErrorAsync(old, "invalid_grant");
        }

        using (var fresh = await GrantCalls.PasswordAsync(Http, client, username, "great-scott-1955"))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        (status, body) = await SendAsync(AdminRequest(HttpMethod.Patch, $"/admin/v1/users/{username}", """{"password":"short"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("8 to 1024", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("great-scott-1955", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUsers_PagesOfTwo_EveryUserOnceInOrder()
    {
        var prefix = "pg" + Guid.NewGuid().ToString("n")[..10];
        for (var i = 0; i < 3; i++)
        {
            await GrantCalls.CreateUserAsync(Http, $"{prefix}{i}", "flux-capacitor-88");
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (status, body) = await SendAsync(AdminRequest(HttpMethod.Get, cursor is null ? "/admin/v1/users?limit=2" : $"/admin/v1/users?limit=2&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()!));
            cursor = body.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal([$"{prefix}0", $"{prefix}1", $"{prefix}2"], seen.Where(u => u.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-admin-key")]
    public async Task AdminCalls_WrongOrMissingKey_401AndNothingChanges(string? key)
    {
        var client = await CreateClientAsync(Http, "view");
        var username = PasswordGrantTests.NewUsername();
        await GrantCalls.CreateUserAsync(Http, username, "flux-capacitor-88");
        var path = $"/admin/v1/clients/{client.ClientId}";

        foreach (var request in new[]
        {
            AdminRequest(HttpMethod.Patch, path, """{"client_name":"hijacked","suspended":true}""", key),
            AdminRequest(HttpMethod.Post, path + "/secret", null, key),
            AdminRequest(HttpMethod.Delete, path, null, key),
            AdminRequest(HttpMethod.Get, "/admin/v1/clients", null, key),
            AdminRequest(HttpMethod.Patch, $"/admin/v1/users/{username}", """{"password":"hijacked-password"}""", key),
            AdminRequest(HttpMethod.Delete, $"/admin/v1/users/{username}", null, key),
            AdminRequest(HttpMethod.Patch, "/admin/v1/settings", """{"access_token_lifetime":5}""", key),
        })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(request)).Status);
        }

        var (status, body) = await SendAsync(AdminRequest(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("test", body.GetProperty("client_name").GetString());
        Assert.False(body.GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await BookingsStatusAsync(await GetTokenAsync(Http, client))); // the secret still works
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(AdminRequest(HttpMethod.Get, $"/admin/v1/users/{username}"))).Status);
        Assert.NotEqual(5, (await SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/settings"))).Body.GetProperty("access_token_lifetime").GetInt32());
    }
}
