using FastGateway.Admin;
using FastGateway.Clients;
using FastGateway.Contracts.Admin;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.Tests.Infrastructure;
using FastGateway.TokenStore;
using Microsoft.Extensions.DependencyInjection;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.OAuth.Grants;

/// <summary>
/// <c>OAuth:RequirePkce=true</c> at the token endpoint, over a real socket: a confidential client's code issued without
/// a PKCE challenge (before the setting was turned on, say) is not redeemed.
/// </summary>
public sealed class AuthorizationCodeGrantRequirePkceTests : IAsyncLifetime
{
    private const string RedirectUri = "https://app.example/callback";

    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await InProcessGateway.StartAsync("--OAuth:RequirePkce=true");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Redeem_ConfidentialClientCodeWithoutPkce_InvalidGrant()
    {
        var secret = ClientSecrets.Generate();
        var metadata = new ClientMetadataRequest("c" + Guid.NewGuid().ToString("n")[..12], "code client", "view", ["authorization_code"], [RedirectUri], "client_secret_basic", null, null);
        var client = ClientAdminEndpoints.ToClient(metadata, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);
        Assert.True(_gateway.App.Services.GetRequiredService<DurableRegistry<OAuthClient>>().TryAdd(client));
        Assert.True(ScopeCatalog.TryParse("view", out var mask, out _));
        var code = await _gateway.App.Services.GetRequiredService<AuthorizationCodes>().IssueAsync(client, "marty", mask, RedirectUri, CodeChallengeMethod.None, default, default);

        using var response = await TokenAsync(_gateway.Http, new RegisteredClient(client.ClientId, secret), ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RedirectUri));

        Assert.Contains("PKCE required", await AssertErrorAsync(response, "invalid_grant"), StringComparison.Ordinal);
    }
}
