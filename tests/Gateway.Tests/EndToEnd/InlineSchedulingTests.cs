using System.Net;
using System.Net.Sockets;
using System.Text;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// <c>Proxy:InlineScheduling</c> (default on): request code runs on the socket threads. These tests pin the two
/// promises that come with it: slow work (a PBKDF2 password check) never holds a socket thread, and the gateway
/// still works with the setting off.
/// </summary>
public sealed class InlineSchedulingTests
{
    [Fact]
    public async Task PasswordCheck_OnTheOnlySocketThread_DoesNotHoldUpProxiedRequests()
    {
        await using var upstream = await TimeTravelsUpstream.StartAsync();
        using var storage = new TempFolder();
        // One socket thread: every connection's I/O completes on it.
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, upstream.Address.ToString().TrimEnd('/'),
            new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT"] = "1" });
        using var http = gateway.CreateClient();
        await CreateUserAsync(http, "marty", "flux-capacitor-88");
        var client = await CreateClientAsync(http, """{"client_name":"pw","scope":"view","grant_types":["password"]}""");
        var token = (await ReadTokensAsync(await PasswordAsync(http, client, "marty", "flux-capacitor-88", "view"))).AccessToken;
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(http, token)).Status);

        // A password grant whose body comes after its head: the gateway reads the form in a continuation of the
        // socket read, that is on the socket thread, and checks the password (600,000 PBKDF2 iterations) from there.
        // The password is wrong, so the 400 goes out right after the check (a success would wait for the store's
        // group commit, off the socket thread, and let the proxied request through either way).
        using var raw = new TcpClient();
        await raw.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
        var stream = raw.GetStream();
        var body = "grant_type=password&username=marty&password=wrong-password-1985&scope=view";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}"));
        await ScriptedUpstream.SendAsync(stream,
            $"POST /oauth2/token HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\nAuthorization: Basic {basic}\r\n" +
            $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\n\r\n");
        await Task.Delay(300); // the head is parsed and the body read pending (ordering only; nothing is timed)
        await ScriptedUpstream.SendAsync(stream, body);
        var tokenResponse = ScriptedUpstream.ReadHeadAsync(stream);
        var proxied = GetBookingsAsync(http, token);

        // A proxied request sent while the password check runs must not wait for it.
        var first = await Task.WhenAny(tokenResponse, proxied);
        Assert.Same(proxied, first);
        Assert.Equal(HttpStatusCode.OK, (await proxied).Status);
        Assert.StartsWith("HTTP/1.1 400", await tokenResponse, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InlineSchedulingOff_TokensAndProxiedRequestsWork()
    {
        await using var upstream = await TimeTravelsUpstream.StartAsync();
        using var storage = new TempFolder();
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, upstream.Address.ToString().TrimEnd('/'), "--Proxy:InlineScheduling=false");
        using var http = gateway.CreateClient();
        await CreateUserAsync(http, "marty", "flux-capacitor-88");
        var client = await CreateClientAsync(http, """{"client_name":"pw","scope":"view","grant_types":["password"]}""");

        var token = (await ReadTokensAsync(await PasswordAsync(http, client, "marty", "flux-capacitor-88", "view"))).AccessToken;
        var (status, owner, scope) = await GetBookingsAsync(http, token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("marty", owner);
        Assert.Equal("view", scope);
    }
}
