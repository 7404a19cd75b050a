using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 3: the path that was authorized is exactly the path the upstream sees. The upstream's request-target is
/// the client's raw target with <c>/timetravels</c> replaced by the upstream's base path (empty here), byte for byte:
/// escapes forwarded as received, never decoded or re-encoded. Anything another parser could read differently
/// (encoded dots, slashes, backslashes, NUL and control bytes, double-encoding, dot segments, invalid escapes,
/// adjacent slashes, raw bytes a request-target cannot hold) is refused with 400 and nothing goes upstream.
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class PathTests : IClassFixture<AdversarialGateway>
{
    private readonly AdversarialGateway _fixture;

    public PathTests(AdversarialGateway fixture)
    {
        _fixture = fixture;
        fixture.Upstream.KeepAlive = false;
        fixture.Upstream.Reset();
    }

    public static TheoryData<string, string> Forwarded() => new()
    {
        { "/timetravels/bookings", "/bookings" },
        { "/timetravels/bookings/1", "/bookings/1" },
        { "/timetravels/bookings/1?a=%41", "/bookings/1?a=%41" },
        { "/timetravels/bookings/%41", "/bookings/%41" },
        { "/timetravels/bookings/a%3Bb", "/bookings/a%3Bb" },
        { "/timetravels/bookings/a%3bb", "/bookings/a%3bb" },
        { "/timetravels/bookings/a%2Bb", "/bookings/a%2Bb" },
        { "/timetravels/bookings/a%20b", "/bookings/a%20b" },
        { "/timetravels/bookings/caf%C3%A9", "/bookings/caf%C3%A9" },
        { "/timetravels/bookings/caf%c3%a9", "/bookings/caf%c3%a9" },
        { "/timetravels/bookings/a+b", "/bookings/a+b" },
        { "/timetravels/bookings/a;b=c", "/bookings/a;b=c" },
        { "/timetravels/bookings/a:b@c!$&'()*,=", "/bookings/a:b@c!$&'()*,=" },
        { "/timetravels/bookings/~user-._", "/bookings/~user-._" },
        { "/timetravels/bookings/a%2eb", "/bookings/a%2eb" },
        { "/timetravels/bookings?x=1&y=", "/bookings?x=1&y=" },
        { "/timetravels/bookings?q=a%2Fb%25%00%2e%2e&r=1;2", "/bookings?q=a%2Fb%25%00%2e%2e&r=1;2" },
        { "/timetravels/bookings?q=/../..", "/bookings?q=/../.." },
        { "/timetravels/bookings?q=%zz", "/bookings?q=%zz" },
        { "/timetravels/bookings?a=1?b=2", "/bookings?a=1?b=2" },
    };

    /// <summary>Refused by the gateway with its JSON 400 (Kestrel passes these targets on).</summary>
    public static TheoryData<string> RefusedJson() =>
    [
        "/timetravels/bookings/%2e/1",
        "/timetravels/%2E/bookings",
        "/timetravels/bookings/%2e%2e/bookings",
        "/timetravels/bookings/%2E%2E/bookings",
        "/timetravels/bookings/.%2e/bookings",
        "/timetravels/bookings/%2e./bookings",
        "/timetravels/bookings/1/%2e%2e",
        "/timetravels/bookings/%252e%252e/1",
        "/timetravels/bookings/%252f",
        "/timetravels/bookings/%2525",
        "/timetravels/bookings/%2541",
        "/timetravels/bookings/a%2fb",
        "/timetravels/bookings/a%2Fb",
        "/timetravels%2fbookings",
        "/timetravels/bookings/a%5cb",
        "/timetravels/bookings/a%5Cb",
        "/timetravels/bookings/a%0d%0aX-Injected:%201",
        "/timetravels/bookings/a%0A",
        "/timetravels/bookings/a%09",
        "/timetravels/bookings/a%7f",
        "/timetravels/bookings/a%01",
        "/timetravels/bookings/../bookings",
        "/timetravels/bookings/1/..",
        "/timetravels/./bookings",
        "/timetravels/bookings/.",
        "/timetravels/bookings/%zz",
        "/timetravels/bookings/%4",
        "/timetravels/bookings/a%",
        "/timetravels/bookings/a%g1",
        "/timetravels//bookings",
        "/timetravels/bookings//1",
        "/timetravels/bookings/1%2f..%2f..%2fadmin",
        "/timetravels/bookings;/../admin",
        "/timetravels/bookings/..;/bookings",
    ];

    /// <summary>Raw bytes a request-target cannot hold: refused with 400 (by Kestrel or the gateway), nothing upstream.</summary>
    public static TheoryData<string, string> RefusedRaw() => new()
    {
        { "encoded-nul", "/timetravels/bookings/a%00" }, // Kestrel refuses %00 itself, with its bare 400
        { "backslash", "/timetravels/bookings\\1" },
        { "backslash-dots", "/timetravels/bookings\\..\\bookings" },
        { "raw-non-ascii", "/timetravels/bookings/caf\u00c3\u00a9" },
        { "raw-non-ascii-latin1", "/timetravels/bookings/caf\u00e9" },
        { "raw-tab", "/timetravels/bookings/a\tb" },
        { "raw-control", "/timetravels/bookings/a\u0001b" },
        { "raw-del", "/timetravels/bookings/a\u007fb" },
        { "raw-nul", "/timetravels/bookings/a\0b" },
        { "raw-space", "/timetravels/bookings/a b" },
        { "query-raw-space", "/timetravels/bookings?a=b c" },
        { "query-raw-tab", "/timetravels/bookings?a=b\tc" },
        { "query-raw-control", "/timetravels/bookings?a=b\u0001c" },
        { "query-raw-non-ascii", "/timetravels/bookings?a=caf\u00c3\u00a9" },
        { "query-raw-del", "/timetravels/bookings?a=\u007f" },
    };

    /// <summary>View-only token; each must be refused, and no DELETE/POST may reach the upstream.</summary>
    public static TheoryData<string, string> Escalations() => new()
    {
        { "DELETE", "/timetravels/bookings/1" },
        { "DELETE", "/timetravels/bookings/1%2f..%2f..%2fadmin" },
        { "DELETE", "/timetravels/bookings/%2e%2e/bookings/1" },
        { "DELETE", "/timetravels/bookings/1;x" },
        { "DELETE", "/timetravels/bookings;/../bookings/1" },
        { "DELETE", "/timetravels/bookings/1/../2" },
        { "DELETE", "/timetravels/bookings/1%00" },
        { "DELETE", "/timetravels//bookings/1" },
        { "DELETE", "/TIMETRAVELS/bookings/1" },
        { "POST", "/timetravels/bookings" },
        { "POST", "/timetravels/bookings/" },
        { "POST", "/timetravels/bookings/1/.." },
        { "POST", "/timetravels/bookings/%2e%2e" },
        { "POST", "/timetravels/bookings/..;/bookings" },
        { "POST", "/timetravels/bookings%2f" },
        { "POST", "/timetravels/bookings?x=/../bookings" },
        { "POST", "/timetravels/bookings%3f" },
        { "POST", "/timetravels/bookings%23" },
        { "POST", "/timetravels/./bookings" },
        { "GET", "/timetravels/bookings/1%2f..%2f..%2fadmin" },
        { "GET", "/timetravels/bookings;/../admin" },
        { "GET", "/timetravels/bookings/1/../../admin" },
    };

    [Theory]
    [MemberData(nameof(Forwarded))]
    public async Task Path_EscapesAndQuery_ForwardedByteForByte(string target, string expected)
    {
        var response = await SendAsync("GET", target, _fixture.Token, "path-ok");
        await Verdict.SettleAsync();

        Verdict.ForwardedOnce(response, _fixture.Upstream, "path-ok", expected, null, Framing.None, target);
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [MemberData(nameof(RefusedJson))]
    public async Task Path_AmbiguousEncoding_Refused400JsonNothingUpstream(string target)
    {
        var response = await SendAsync("GET", target, _fixture.Token, "path-bad");
        await Verdict.SettleAsync();

        Verdict.RefusedJson(response, 400, "invalid_request", _fixture.Upstream, target);
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [MemberData(nameof(RefusedRaw))]
    public async Task Path_RawBytesATargetCannotHold_Refused400NothingUpstream(string name, string target)
    {
        var response = await SendAsync("GET", target, _fixture.Token, "path-raw");
        await Verdict.SettleAsync();

        Assert.True(response is { Status: 400 }, $"{name}: expected 400, got {response}\n{_fixture.Upstream.Transcript}");
        Verdict.NothingUpstream(_fixture.Upstream, name);
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [MemberData(nameof(Escalations))]
    public async Task Path_ViewOnlyTokenWithPathTricks_NoWriteAndNoOtherPathReachesUpstream(string method, string target)
    {
        var response = await SendAsync(method, target, _fixture.ViewToken, "escalate", method == "GET" ? null : "{}");
        await Verdict.SettleAsync();

        var context = $"{method} {target} with a view-only token";
        Assert.DoesNotContain(_fixture.Upstream.Requests, r => r.Method is not ("GET" or "HEAD"));
        Verdict.Refused(response, _fixture.Upstream, context);
        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Path_ViewOnlyTokenDeleteBooking_Refused403()
    {
        var response = await SendAsync("DELETE", "/timetravels/bookings/1", _fixture.ViewToken, "escalate-control");
        await Verdict.SettleAsync();

        Verdict.RefusedJson(response, 403, "insufficient_scope", _fixture.Upstream, "DELETE with a view-only token");
    }

    private async Task<RawResponse?> SendAsync(string method, string target, string token, string id, string? body = null)
    {
        await using var client = await _fixture.ConnectAsync();
        var head = _fixture.Head(method, target, id, token) + (body is null ? "" : $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        return await client.SendAndReadAsync(head + "\r\n" + body);
    }
}
