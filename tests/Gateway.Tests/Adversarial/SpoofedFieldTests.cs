using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 5: fields that change what the upstream does never reach it, in any spelling (case, '_' for '-', which
/// CGI-style upstreams such as PHP, WSGI, Rack and nginx with underscores_in_headers merge). The gateway's own
/// identity and forwarding fields appear exactly once each with the gateway's values whatever the client sent.
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class SpoofedFieldTests : IClassFixture<AdversarialGateway>
{
    private const string Spoof = "spoofed-by-client";

    private readonly AdversarialGateway _fixture;

    public SpoofedFieldTests(AdversarialGateway fixture)
    {
        _fixture = fixture;
        fixture.Upstream.KeepAlive = false;
        fixture.Upstream.Reset();
    }

    /// <summary>Field names a client may not pass to the upstream.</summary>
    public static TheoryData<string> DroppedNames() =>
    [
        "X-HTTP-Method-Override", "x-http-method-override", "X-HTTP-Method", "X-Method-Override", "X_HTTP_Method_Override",
        "X-Original-URL", "X-Original-URI", "X-Rewrite-URL", "X-Forwarded-Uri", "x-original-url", "X_Original_URL",
        "X_Client_Id", "x_scope", "X_Owner", "X_Forwarded_For", "X_Forwarded_Proto", "X_Forwarded_Host", "X_Forwarded_Prefix",
        "X-Client_Id", "X_Client-Id", "x_forwarded-for",
        "X-Real-IP", "x-real-ip", "X_Real_IP", "True-Client-IP", "X-Client-IP", "CF-Connecting-IP",
        "Forwarded", "forwarded",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Path", "X-Forwarded-Url", "X-Forwarded-Client-Cert",
        "X-Client-Id", "x-client-id", "X-CLIENT-ID", "X-Scope", "x-scope", "X-Owner", "x-owner",
        "X-Forwarded-For", "x-forwarded-for", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix",
    ];

    [Theory]
    [MemberData(nameof(DroppedNames))]
    public async Task Field_ClientSpoofedField_NeverReachesUpstream(string name)
    {
        var request = await ForwardAsync("GET", $"{name}: {Spoof}\r\n", "spoof");

        AssertSpoofAbsent(request, name);
        AssertGatewayFields(request, name);
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("X-Client-Id: a\r\nX-Client-Id: b\r\n")]
    [InlineData("X-Scope: cancel\r\nx-scope: cancel\r\n")]
    [InlineData("X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n")]
    [InlineData("Connection: X-Client-Id, X-Scope\r\nX-Client-Id: " + Spoof + "\r\n")]
    [InlineData("Connection: X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Prefix, Host\r\n")]
    [InlineData("Connection: X-Owner, X-Client-Id, X-Scope\r\n")]
    [InlineData("Connection: keep-alive, X-Client-Id\r\nX-Client-Id: " + Spoof + "\r\n")]
    [InlineData("X-Client-Id:" + Spoof + "\r\nX_Client_Id: " + Spoof + "\r\nx-client_id: " + Spoof + "\r\n")]
    public async Task Field_GatewayFieldsSpoofedOrListedInConnection_AppearOnceWithGatewayValues(string fields)
    {
        var request = await ForwardAsync("GET", fields, "gateway-fields");

        AssertSpoofAbsent(request, fields);
        AssertGatewayFields(request, fields);
        Assert.DoesNotContain(request.Fields, f => f.Value is "a" or "b" or "cancel" or "10.0.0.1" or "10.0.0.2");
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("X-Owner: " + Spoof + "\r\n")]
    [InlineData("X_Owner: " + Spoof + "\r\nx-owner: " + Spoof + "\r\nX-OWNER: " + Spoof + "\r\n")]
    [InlineData("Connection: X-Owner\r\nX-Owner: " + Spoof + "\r\n")]
    [InlineData("Connection: keep-alive, X-Owner, X-Client-Id\r\n")]
    public async Task Field_UserTokenWithSpoofedOwner_OwnerOnceWithTheUsersName(string fields)
    {
        var username = "adv-" + Guid.NewGuid().ToString("N")[..10];
        string token;
        using (var http = new HttpClient { BaseAddress = _fixture.Http, Timeout = TimeSpan.FromSeconds(30) })
        {
            await GrantCalls.CreateUserAsync(http, username, "flux-capacitor-88");
            var client = await GrantCalls.CreateClientAsync(http,
                """{"client_name":"pw","scope":"view book","grant_types":["password"],"token_endpoint_auth_method":"client_secret_basic"}""");
            using var response = await GrantCalls.PasswordAsync(http, client, username, "flux-capacitor-88", "view");
            token = (await GrantCalls.ReadTokensAsync(response)).AccessToken;
        }

        await using var raw = await _fixture.ConnectAsync();
        var answer = await raw.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", "owner", token) + fields + "\r\n");
        await Verdict.SettleAsync();

        var request = Verdict.ForwardedOnce(answer, _fixture.Upstream, "owner", "/bookings", null, Framing.None, fields);
        AssertSpoofAbsent(request, fields);
        Assert.True(request.CountNormalized("X-Owner") == 1 && request.Field("X-Owner") == username, $"expected exactly one X-Owner: {username}:\n{request}");
        Assert.True(request.CountNormalized("X-Client-Id") == 1, $"expected exactly one X-Client-Id:\n{request}");
        Assert.True(request.CountNormalized("X-Scope") == 1 && request.Field("X-Scope") == "view", $"expected exactly one X-Scope: view:\n{request}");
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X-HTTP-Method")]
    [InlineData("X-Method-Override")]
    public async Task Field_ViewOnlyPostWithMethodOverrideAndScope_RefusedOrStripped(string overrideName)
    {
        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", "override", _fixture.ViewToken)
            + $"{overrideName}: DELETE\r\nX-Scope: cancel\r\nContent-Length: 2\r\n\r\n{{}}");
        await Verdict.SettleAsync();

        Assert.True(response is { Status: 403 } || _fixture.Upstream.Requests.Count == 1, $"{response}\n{_fixture.Upstream.Transcript}");
        if (response is { Status: 403 })
        {
            Verdict.NothingUpstream(_fixture.Upstream, "refused POST");
        }
        else
        {
            var request = _fixture.Upstream.Requests[0];
            Assert.Equal(0, request.CountNormalized(overrideName));
            Assert.DoesNotContain(request.Values("X-Scope"), v => v.Contains("cancel", StringComparison.Ordinal));
        }

        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Field_BookTokenPostWithMethodOverride_OverrideNotForwarded()
    {
        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", "override-book")
            + "X-HTTP-Method-Override: DELETE\r\nX-Method-Override: DELETE\r\nX-HTTP-Method: DELETE\r\nContent-Length: 2\r\n\r\n{}");
        await Verdict.SettleAsync();

        var request = Verdict.ForwardedOnce(response, _fixture.Upstream, "override-book", "/bookings", "{}", Framing.ContentLength, "POST with overrides");
        Assert.Equal(0, request.CountNormalized("X-HTTP-Method-Override") + request.CountNormalized("X-Method-Override") + request.CountNormalized("X-HTTP-Method"));
    }

    private async Task<RecordedRequest> ForwardAsync(string method, string fields, string id)
    {
        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head(method, "/timetravels/bookings", id) + fields + "\r\n");
        await Verdict.SettleAsync();
        return Verdict.ForwardedOnce(response, _fixture.Upstream, id, "/bookings", null, Framing.None, fields);
    }

    private static void AssertSpoofAbsent(RecordedRequest request, string context) =>
        Assert.False(System.Text.Encoding.Latin1.GetString(request.RawHead).Contains(Spoof, StringComparison.Ordinal),
            $"{context}: the client's value reached the upstream:\n{request}");

    // Each gateway field exactly once (counting '_' spellings and any case), with the gateway's value.
    private void AssertGatewayFields(RecordedRequest request, string context)
    {
        var expected = new Dictionary<string, string>
        {
            ["X-Client-Id"] = _fixture.ClientId,
            ["X-Scope"] = "view book",
            ["X-Forwarded-For"] = "127.0.0.1",
            ["X-Forwarded-Proto"] = "http",
            ["X-Forwarded-Host"] = "gateway.test",
            ["X-Forwarded-Prefix"] = "/timetravels",
        };
        foreach (var (name, value) in expected)
        {
            Assert.True(request.CountNormalized(name) == 1 && request.Field(name) == value,
                $"{context}: expected exactly one {name}: {value} upstream:\n{request}");
        }

        Assert.Equal(0, request.CountNormalized("X-Owner")); // a client-credentials token has no owner
        Assert.Equal(0, request.CountNormalized("Forwarded"));
    }
}
