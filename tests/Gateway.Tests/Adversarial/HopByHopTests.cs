using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 6: hop-by-hop fields (RFC 9110 section 7.6.1): the Connection field, every field it names (however the
/// list is spelled), and Keep-Alive, TE, Trailer, Upgrade, Proxy-Connection, Proxy-Authorization are never forwarded.
/// Sent on a raw socket so the exact bytes (e.g. <c>Connection: keep-alive, X-Hop</c>) reach the gateway.
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class HopByHopTests : IClassFixture<AdversarialGateway>
{
    private readonly AdversarialGateway _fixture;

    public HopByHopTests(AdversarialGateway fixture)
    {
        _fixture = fixture;
        fixture.Upstream.KeepAlive = false;
        fixture.Upstream.Reset();
    }

    /// <summary>(fields sent, names that must not reach the upstream, separated by '|').</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: close, X-Hop\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: X-Hop\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: X-Hop, keep-alive\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: keep-alive\r\nConnection: X-Hop\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: X-Hop\r\nConnection: X-Other\r\nX-Hop: 1\r\nX-Other: 2\r\n", "X-Hop|X-Other|Connection" },
        { "Connection: x-HOP\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "connection: keep-alive, x-hop\r\nX-HOP: 1\r\n", "X-Hop|Connection" },
        { "Connection:   X-Hop  ,  keep-alive  \r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection:\tX-Hop\t,\tkeep-alive\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: ,,X-Hop,,\r\nX-Hop: 1\r\n", "X-Hop|Connection" },
        { "Connection: keep-alive, X-Hop, X-Other\r\nX-Hop: 1\r\nX-Other: 2\r\n", "X-Hop|X-Other|Connection" },
        { "X-Hop: 1\r\nConnection: keep-alive, X-Hop\r\n", "X-Hop|Connection" },
        { "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Hop: 2\r\n", "X-Hop|Connection" },
        { "Keep-Alive: timeout=5, max=100\r\n", "Keep-Alive" },
        { "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n", "Keep-Alive|Connection" },
        { "TE: trailers\r\n", "TE" },
        { "TE: gzip, trailers\r\n", "TE" },
        { "Trailer: X-Checksum\r\n", "Trailer" },
        { "Upgrade: websocket\r\n", "Upgrade" },
        { "Upgrade: h2c\r\n", "Upgrade" },
        { "Proxy-Connection: keep-alive\r\n", "Proxy-Connection" },
        { "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n", "Proxy-Authorization" },
        { "proxy-authorization: Bearer secret\r\n", "Proxy-Authorization" },
        { "Proxy-Authenticate: Basic\r\n", "Proxy-Authenticate" },
        { "Keep-Alive: 1\r\nTE: trailers\r\nTrailer: X-A\r\nUpgrade: x\r\nProxy-Connection: close\r\nProxy-Authorization: x\r\n", "Keep-Alive|TE|Trailer|Upgrade|Proxy-Connection|Proxy-Authorization" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HopByHop_FieldsNamedOrWellKnown_NeverForwarded(string fields, string dropped)
    {
        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", "hop") + fields + "\r\n");
        await Verdict.SettleAsync();

        var request = Verdict.ForwardedOnce(response, _fixture.Upstream, "hop", "/bookings", null, Framing.None, fields);
        foreach (var name in dropped.Split('|'))
        {
            Assert.True(request.CountNormalized(name) == 0, $"'{name}' reached the upstream:\n{request}");
        }

        await _fixture.AssertHealthyAsync(client);
    }

    [Fact]
    public async Task HopByHop_EndToEndFieldNotListed_IsForwarded()
    {
        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", "e2e") + "Connection: keep-alive\r\nX-End-To-End: 1\r\n\r\n");
        await Verdict.SettleAsync();

        var request = Verdict.ForwardedOnce(response, _fixture.Upstream, "e2e", "/bookings", null, Framing.None, "control");
        Assert.Equal("1", request.Field("X-End-To-End"));
    }
}
