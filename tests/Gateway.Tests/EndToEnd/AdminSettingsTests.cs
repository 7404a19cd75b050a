using System.Net;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.EndToEnd.AdminLifecycleTests;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>GET/PATCH /admin/v1/settings on a gateway of its own (the change is process-wide), across a restart.</summary>
[Trait(GatewayProcess.NativeTrait, GatewayProcess.NativeTraitValue)] // also run against the Native AOT binary (.ci/aot-smoke)
public sealed class AdminSettingsTests : IAsyncLifetime
{
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await TimeTravelsUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        using (var response = await http.SendAsync(request))
        {
            return (response.StatusCode, await ReadJsonAsync(response));
        }
    }

    private static async Task<int> ExpiresInAsync(HttpClient http, ClientCredentials client)
    {
        using var response = await RequestTokenAsync(http, client);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("expires_in").GetInt32();
    }

    [Fact]
    public async Task PatchSettings_NextTokenUsesIt_SurvivesRestart_OutOfRangeIs400()
    {
        var upstream = _upstream.Address.ToString().TrimEnd('/');
        ClientCredentials client;
        await using (var gateway = await GatewayProcess.StartAsync(_storage.Path, upstream, "--OAuth:AccessTokenLifetime=1800"))
        {
            using var http = gateway.CreateClient();
            client = await CreateClientAsync(http, "view");
            var (status, body) = await SendAsync(http, AdminRequest(HttpMethod.Get, "/admin/v1/settings"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1800, body.GetProperty("access_token_lifetime").GetInt32());
            Assert.Equal(300, body.GetProperty("authorization_code_lifetime").GetInt32());
            Assert.Equal(1800, await ExpiresInAsync(http, client));

            (status, body) = await SendAsync(http, AdminRequest(HttpMethod.Patch, "/admin/v1/settings", """{"access_token_lifetime":900,"authorization_code_lifetime":120}"""));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(900, body.GetProperty("access_token_lifetime").GetInt32());
            Assert.Equal(900, await ExpiresInAsync(http, client));

            foreach (var (json, field) in new[]
            {
                ("""{"access_token_lifetime":0}""", "access_token_lifetime"),
                ("""{"access_token_lifetime":-2}""", "access_token_lifetime"),
                ("""{"authorization_code_lifetime":601}""", "authorization_code_lifetime"),
                ("""{"refresh_token_lifetime":5}""", "refresh_token_lifetime"),
            })
            {
                (status, body) = await SendAsync(http, AdminRequest(HttpMethod.Patch, "/admin/v1/settings", json));
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Contains(field, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
            }

            Assert.Contains("audit admin settings.update client=- owner=- token=-: ok (access_token_lifetime 900 s, authorization_code_lifetime 120 s)", gateway.Output, StringComparison.Ordinal);
            await gateway.StopAsync();
        }

        await using (var restarted = await GatewayProcess.StartAsync(_storage.Path, upstream, "--OAuth:AccessTokenLifetime=1800"))
        {
            using var http = restarted.CreateClient();
            var (_, body) = await SendAsync(http, AdminRequest(HttpMethod.Get, "/admin/v1/settings"));
            Assert.Equal(900, body.GetProperty("access_token_lifetime").GetInt32());
            Assert.Equal(120, body.GetProperty("authorization_code_lifetime").GetInt32());
            Assert.Equal(900, await ExpiresInAsync(http, client));

            // -1: tokens that never expire carry no expires_in.
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, AdminRequest(HttpMethod.Patch, "/admin/v1/settings", """{"access_token_lifetime":-1}"""))).Status);
            using var response = await RequestTokenAsync(http, client);
            Assert.False((await ReadJsonAsync(response)).TryGetProperty("expires_in", out _));
        }
    }
}
