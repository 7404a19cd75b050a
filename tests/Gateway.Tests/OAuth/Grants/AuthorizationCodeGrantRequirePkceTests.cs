using FastGateway.Admin;
using FastGateway.Clients;
using FastGateway.Contracts.Admin;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.Tests.Infrastructure;
using FastGateway.TokenStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

    private readonly TempFolder _storage = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = GatewayApp.Build([
            "--urls=http://127.0.0.1:0",
            $"--Storage:Path={_storage.Path}",
            $"--Upstreams:timetravels={BrokenUpstreams.Closed()}",
            "--OAuth:RequireHttps=false",
            "--OAuth:RequirePkce=true",
            "--Logging:LogLevel:Default=Warning",
        ]);
        _app.Services.GetRequiredService<DurableRegistry<FastGateway.Users.ResourceOwner>>().Upsert(new FastGateway.Users.ResourceOwner { Username = "marty", PasswordHash = "-" });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task Redeem_ConfidentialClientCodeWithoutPkce_InvalidGrant()
    {
        var secret = ClientSecrets.Generate();
        var metadata = new ClientMetadataRequest("c" + Guid.NewGuid().ToString("n")[..12], "code client", "view", ["authorization_code"], [RedirectUri], "client_secret_basic", null, null);
        var client = ClientAdminEndpoints.ToClient(metadata, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);
        Assert.True(_app.Services.GetRequiredService<DurableRegistry<OAuthClient>>().TryAdd(client));
        Assert.True(ScopeCatalog.TryParse("view", out var mask, out _));
        var code = await _app.Services.GetRequiredService<AuthorizationCodes>().IssueAsync(client, "marty", mask, RedirectUri, CodeChallengeMethod.None, default, default);

        using var response = await TokenAsync(_http, new RegisteredClient(client.ClientId, secret), ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RedirectUri));

        Assert.Contains("PKCE required", await AssertErrorAsync(response, "invalid_grant"), StringComparison.Ordinal);
    }
}
