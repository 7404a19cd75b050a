using System.Text;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>Admin changes and token issue/revoke are audit events (category FastGateway.Audit) without secrets or tokens.</summary>
[Collection(SharedGateway.Name)]
public sealed class AuditLogTests(GatewayFixture fixture)
{
    [Fact]
    public async Task AdminChangeTokenIssueAndRevoke_AreAuditEvents_WithoutSecretsOrTokens()
    {
        var client = await CreateClientAsync(fixture.Http, "view");
        var token = await GetTokenAsync(fixture.Http, client);
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        revoke.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}")));
        using var revoked = await fixture.Http.SendAsync(revoke);

        string[] expected =
        [
            $"audit admin client.create client={client.ClientId} owner=- token=-: ok",
            $"audit {client.ClientId} token.issue client={client.ClientId} owner=- token=",
            $"audit {client.ClientId} token.revoke client={client.ClientId} owner=- token=",
        ];
        // The console logger writes asynchronously: wait (bounded) for the lines to arrive.
        for (var i = 0; i < 50 && !expected.All(line => fixture.Gateway.Output.Contains(line, StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
        }

        var log = fixture.Gateway.Output;
        Assert.All(expected, line => Assert.Contains(line, log, StringComparison.Ordinal));
        Assert.Contains("FastGateway.Audit[1400]", log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain(client.ClientSecret, log, StringComparison.Ordinal);
    }
}
