using System.Net;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST /oauth2/token with grant_type=password, RFC 6749 section 4.3, against the real gateway process.</summary>
[Collection(SharedGateway.Name)]
public sealed class PasswordGrantTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    internal static string NewUsername() => "u" + Guid.NewGuid().ToString("n")[..16];

    internal static Task<RegisteredClient> CreatePasswordClientAsync(HttpClient http, string scope = "view book", int refreshLimit = 3, string authMethod = "client_secret_basic") =>
        CreateClientAsync(http, refreshLimit > 0
            ? $$"""{"client_name":"pw","scope":"{{scope}}","grant_types":["password","refresh_token"],"refresh_limit":{{refreshLimit}},"token_endpoint_auth_method":"{{authMethod}}"}"""
            : $$"""{"client_name":"pw","scope":"{{scope}}","grant_types":["password"],"token_endpoint_auth_method":"{{authMethod}}"}""");

    [Fact]
    public async Task Password_ValidCredentials_TokensWorkAndOwnerReachesUpstream()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreatePasswordClientAsync(Http);

        using var response = await PasswordAsync(Http, client, username, "flux-capacitor-88", "view");
        var tokens = await ReadTokensAsync(response);
        var (status, owner, scope) = await GetBookingsAsync(Http, tokens.AccessToken);

        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("view", tokens.Scope);
        Assert.Equal(43, tokens.RefreshToken?.Length);
        Assert.NotEqual(tokens.AccessToken, tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(username, owner);
        Assert.Equal("view", scope);
        Assert.DoesNotContain("flux-capacitor-88", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_RefreshTokenNotUsableAsAccessToken_Returns401()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreatePasswordClientAsync(Http);
        using var response = await PasswordAsync(Http, client, username, "flux-capacitor-88");
        var tokens = await ReadTokensAsync(response);

        var (status, _, _) = await GetBookingsAsync(Http, tokens.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Password_ClientWithoutRefreshLimit_GetsNoRefreshToken()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreatePasswordClientAsync(Http, refreshLimit: 0);

        using var response = await PasswordAsync(Http, client, username, "flux-capacitor-88");
        var tokens = await ReadTokensAsync(response);

        Assert.Null(tokens.RefreshToken);
        Assert.Equal("view book", tokens.Scope);
    }

    [Fact]
    public async Task Password_WrongPasswordOrUnknownUser_InvalidGrantWithSameMessage()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreatePasswordClientAsync(Http);

        using var wrong = await PasswordAsync(Http, client, username, "wrong-password-1");
        using var unknown = await PasswordAsync(Http, client, NewUsername(), "flux-capacitor-88");

        var wrongDescription = await AssertErrorAsync(wrong, "invalid_grant");
        var unknownDescription = await AssertErrorAsync(unknown, "invalid_grant");
        Assert.Equal(wrongDescription, unknownDescription);
        Assert.DoesNotContain("wrong-password-1", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_ClientNotRegisteredForPassword_UnauthorizedClient()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreateClientAsync(Http, """{"client_name":"cc only","scope":"view"}""");

        using var response = await PasswordAsync(Http, client, username, "flux-capacitor-88");

        await AssertErrorAsync(response, "unauthorized_client");
    }

    [Fact]
    public async Task Password_ScopeBeyondClientAllowance_InvalidScope()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreatePasswordClientAsync(Http, scope: "view");

        using var response = await PasswordAsync(Http, client, username, "flux-capacitor-88", "view cancel");

        await AssertErrorAsync(response, "invalid_scope");
    }

    [Fact]
    public async Task Password_PublicClientByDefault_UnauthorizedClient()
    {
        var username = NewUsername();
        await CreateUserAsync(Http, username, "flux-capacitor-88");
        var client = await CreatePasswordClientAsync(Http, authMethod: "none");

        using var response = await PasswordAsync(Http, client, username, "flux-capacitor-88");

        Assert.Null(client.ClientSecret);
        Assert.Contains("RFC 9700", await AssertErrorAsync(response, "unauthorized_client"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_MissingPassword_InvalidRequest()
    {
        var client = await CreatePasswordClientAsync(Http);

        using var response = await TokenAsync(Http, client, ("grant_type", "password"), ("username", "someone"));

        await AssertErrorAsync(response, "invalid_request");
    }
}
