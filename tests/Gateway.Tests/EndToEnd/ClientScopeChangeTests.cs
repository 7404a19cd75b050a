using System.Net;
using System.Net.Http.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.EndToEnd.AdminLifecycleTests;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// Narrowing a client's <c>scope</c> with PATCH reaches its live grants at once: the proxy refuses a route that needs a
/// removed scope, introspection shows the narrowed scope, and a refresh returns at most the client's current scopes.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class ClientScopeChangeTests(GatewayFixture fixture)
{
    private const string Password = "gigawatts-1.21";

    private HttpClient Http => fixture.Http;

    private async Task PatchScopeAsync(string clientId, string scope)
    {
        using var request = AdminRequest(HttpMethod.Patch, $"/admin/v1/clients/{clientId}", $$"""{"scope":"{{scope}}"}""");
        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpStatusCode> BookAsync(string accessToken)
    {
        using var request = OAuthCalls.Api(HttpMethod.Post, "/timetravels/bookings", accessToken);
        request.Content = JsonContent.Create(new { passenger = "Doc Brown", destination = "1885-09-02" });
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string?> IntrospectedScopeAsync(string token)
    {
        // Introspection needs the permission (RFC 7662 section 2.1): a resource server asks, not the token's client.
        var resourceServer = await OAuthCalls.CreateResourceServerAsync(Http);
        using var response = await OAuthCalls.IntrospectAsync(Http, resourceServer, token);
        var json = await OAuthCalls.ReadJsonAsync(response);
        Assert.True(json.GetProperty("active").GetBoolean());
        return json.GetProperty("scope").GetString();
    }

    [Fact]
    public async Task ScopeNarrowed_LiveAccessTokenLosesRemovedScopeAtOnce()
    {
        var client = await OAuthCalls.CreateClientAsync(Http, "view book");
        var token = await OAuthCalls.GetTokenAsync(Http, client);
        Assert.NotEqual(HttpStatusCode.Forbidden, await BookAsync(token));
        Assert.Equal("view book", await IntrospectedScopeAsync(token));

        await PatchScopeAsync(client.ClientId, "view");

        Assert.Equal(HttpStatusCode.Forbidden, await BookAsync(token));
        var (status, _, forwardedScope) = await GetBookingsAsync(Http, token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("view", forwardedScope); // the upstream is told the narrowed scope too
        Assert.Equal("view", await IntrospectedScopeAsync(token));
    }

    [Fact]
    public async Task ScopeNarrowed_RefreshReturnsAtMostTheClientsCurrentScope()
    {
        var username = PasswordGrantTests.NewUsername();
        await CreateUserAsync(Http, username, Password);
        var client = await PasswordGrantTests.CreatePasswordClientAsync(Http, "view book", refreshLimit: 5);
        using var signIn = await PasswordAsync(Http, client, username, Password);
        var first = await ReadTokensAsync(signIn);
        Assert.Equal("view book", first.Scope);

        await PatchScopeAsync(client.ClientId, "view");
        using var askForBook = await RefreshAsync(Http, client, first.RefreshToken!, "book");
        await AssertErrorAsync(askForBook, "invalid_scope"); // refused before consuming: the token still works
        using var refreshed = await RefreshAsync(Http, client, first.RefreshToken!);
        var narrowed = await ReadTokensAsync(refreshed);

        Assert.Equal("view", narrowed.Scope);
        Assert.Equal(HttpStatusCode.Forbidden, await BookAsync(narrowed.AccessToken));

        // Widening the client again does not bring the removed scope back to this grant: the lineage stays narrowed.
        await PatchScopeAsync(client.ClientId, "view book");
        using var again = await RefreshAsync(Http, client, narrowed.RefreshToken!);
        Assert.Equal("view", (await ReadTokensAsync(again)).Scope);
    }
}
