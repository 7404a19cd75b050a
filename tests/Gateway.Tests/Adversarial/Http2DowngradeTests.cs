using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 2, HTTP/2 downgrade (Kettle, "HTTP/2: The Sequel is Always Worse"): an h2 request is rewritten as HTTP/1.1
/// for the upstream, and h2 carries bytes HTTP/1.1 cannot (CR, LF, NUL, ':' in names and values and pseudo-headers).
/// A refusal (RST_STREAM, GOAWAY, 4xx) is fine; what matters is that no injected line, no second request and no
/// client framing reaches the upstream, and that the gateway stays healthy.
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class Http2DowngradeTests : IClassFixture<AdversarialGateway>
{
    private readonly AdversarialGateway _fixture;

    public Http2DowngradeTests(AdversarialGateway fixture)
    {
        _fixture = fixture;
        fixture.Upstream.KeepAlive = false;
        fixture.Upstream.Reset();
    }

    /// <summary>Cases: the change to a valid GET (a field added, or a pseudo-header replaced).</summary>
    public static TheoryData<string, string, string> FieldCases()
    {
        // (name, field name, field value); names starting with ':' replace that pseudo-header.
        var data = new TheoryData<string, string, string>
        {
            { "name-crlf", "x-a\r\nx-injected", "1" },
            { "name-lf", "x-a\nx-injected", "1" },
            { "name-cr", "x-a\rx-injected", "1" },
            { "name-nul", "x-a\0b", "1" },
            { "name-colon-middle", "x-a:x-injected", "1" },
            { "name-trailing-space", "x-a ", "1" },
            { "name-trailing-tab", "x-a\t", "1" },
            { "name-leading-space", " x-a", "1" },
            { "name-space-middle", "x-a x-injected", "1" },
            { "name-uppercase", "X-Upper", "1" },
            { "name-non-ascii", "x-caf\u00e9", "1" },
            { "name-empty", "", "1" },
            { "value-crlf-field", "x-a", "1\r\nx-injected: 1" },
            { "value-crlf-request", "x-a", "1\r\n\r\nGET /bookings/666 HTTP/1.1\r\nHost: up\r\n\r\n" },
            { "value-lf", "x-a", "1\nx-injected: 1" },
            { "value-cr", "x-a", "1\rx-injected: 1" },
            { "value-nul", "x-a", "1\0x-injected" },
            { "value-leading-space", "x-a", " 1" },
            { "host-crlf", "host", "gateway.test\r\nx-injected: 1" },
            { "authority-crlf", ":authority", "gateway.test\r\nx-injected: 1" },
            { "path-query-space", ":path", "/timetravels/bookings?a=1 HTTP/1.1\r\nx-injected: 1" },
            { "path-space-only", ":path", "/timetravels/bookings?a=b c" },
            { "path-query-tab", ":path", "/timetravels/bookings?a=b\tc" },
            { "path-query-crlf", ":path", "/timetravels/bookings?a=b\r\nx-injected: 1" },
            { "path-query-control", ":path", "/timetravels/bookings?a=b\u0001c" },
            { "path-request-line", ":path", " /x HTTP/1.1\r\nx-injected: y" },
            { "path-request-smuggle", ":path", "/timetravels/bookings HTTP/1.1\r\nHost: up\r\n\r\nGET /bookings/666 HTTP/1.1\r\nx-injected: 1\r\n\r\n" },
            { "path-no-slash", ":path", "timetravels/bookings" },
            { "path-asterisk", ":path", "*" },
            { "path-absolute", ":path", "http://evil.test/timetravels/bookings" },
            { "method-request-line", ":method", "GET /admin HTTP/1.1\r\nx-injected: 1\r\n\r\nGET" },
            { "method-with-path", ":method", "GET /admin HTTP/1.1" },
            { "method-space", ":method", "G T" },
            { "method-lowercase-crlf", ":method", "GET\r\nx-injected: 1" },
            { "method-empty", ":method", "" },
            { "scheme-crlf", ":scheme", "https\r\nx-injected: 1" },
            { "connection", "connection", "keep-alive, x-injected" },
            { "transfer-encoding", "transfer-encoding", "chunked" },
            { "keep-alive", "keep-alive", "timeout=5" },
            { "upgrade", "upgrade", "websocket" },
            { "proxy-connection", "proxy-connection", "keep-alive" },
            { "te-gzip", "te", "gzip" },
            { "pseudo-duplicate-path", "+:path", "/timetravels/bookings/666" },
            { "pseudo-duplicate-method", "+:method", "DELETE" },
            { "pseudo-after-regular", "+:authority", "evil.test" },
            { "pseudo-unknown", "+:x-injected", "1" },
            { "pseudo-missing-path", "-:path", "" },
            { "pseudo-missing-method", "-:method", "" },
            { "pseudo-missing-scheme", "-:scheme", "" },
        };
        return data;
    }

    [Fact]
    public async Task H2_ValidGet_ReachesUpstreamAsWellFormedHttp11AndReturns200()
    {
        await using var h2 = await _fixture.ConnectH2Async();
        var result = await h2.SendAsync(Request("h2-valid", "GET", "/timetravels/bookings/1?a=%41"));
        await Verdict.SettleAsync();

        Assert.True(result.Status == 200 && result.BodyText.Contains("id=h2-valid;", StringComparison.Ordinal), $"{result}\n{_fixture.Upstream.Transcript}");
        var request = Assert.Single(_fixture.Upstream.Requests);
        Verdict.WellFormed(request, _fixture.Upstream, "h2 valid GET");
        Verdict.FramedAs(request, Framing.None, "h2 valid GET");
        Assert.Equal("GET", request.Method);
        Assert.Equal("/bookings/1?a=%41", request.Target);
    }

    [Fact]
    public async Task H2_ValidPostWithBody_ReachesUpstreamOnceWithOneFramingField()
    {
        await using var h2 = await _fixture.ConnectH2Async();
        var fields = Request("h2-post", "POST", "/timetravels/bookings").Append(("content-length", "5"));
        var result = await h2.SendAsync(fields, [Verdict.Bytes("hello")]);
        await Verdict.SettleAsync();

        Assert.True(result.Status == 200 && result.BodyText.Contains("id=h2-post;", StringComparison.Ordinal), $"{result}\n{_fixture.Upstream.Transcript}");
        var request = Assert.Single(_fixture.Upstream.Requests);
        Verdict.WellFormed(request, _fixture.Upstream, "h2 POST");
        Verdict.FramedAs(request, Framing.ContentLength, "h2 POST");
        Assert.Equal("hello", request.BodyText);
    }

    [Theory]
    [MemberData(nameof(FieldCases))]
    public async Task H2_MalformedFieldOrPseudoHeader_NoInjectedBytesReachUpstream(string name, string field, string value)
    {
        var fields = Request(name, "GET", "/timetravels/bookings").ToList();
        if (field.StartsWith('+'))
        {
            fields.Add((field[1..], value));
        }
        else if (field.StartsWith('-'))
        {
            fields.RemoveAll(f => f.Name == field[1..]);
        }
        else if (field.StartsWith(':'))
        {
            var index = fields.FindIndex(f => f.Name == field);
            fields[index] = (field, value);
        }
        else
        {
            fields.Add((field, value));
        }

        var result = await SendAsync(fields, null);
        await Verdict.SettleAsync();

        AssertRefusedOrClean(result, name);
        await AssertHealthyAsync();
    }

    [Theory]
    [InlineData("content-length-larger", "10", "hello")]
    [InlineData("content-length-smaller", "2", "hello")]
    [InlineData("content-length-zero-with-data", "0", "hello")]
    [InlineData("content-length-two-values", "5, 6", "hello")]
    [InlineData("content-length-plus", "+5", "hello")]
    public async Task H2_ContentLengthDisagreesWithData_NoSecondRequestUpstream(string name, string contentLength, string body)
    {
        var fields = Request(name, "POST", "/timetravels/bookings").Append(("content-length", contentLength));
        var result = await SendAsync(fields, [Verdict.Bytes(body)]);
        await Verdict.SettleAsync();

        AssertRefusedOrClean(result, name);
        await AssertHealthyAsync();
    }

    [Theory]
    [InlineData("smuggle-cl-names-part", true)]
    [InlineData("smuggle-no-cl", false)]
    public async Task H2_DataHoldsSmuggledHttp11Request_UpstreamParsesOneRequest(string name, bool partialContentLength)
    {
        const string Smuggled = "GET /bookings/666 HTTP/1.1\r\nHost: up\r\nX-Test-Id: smuggled\r\n\r\n";
        var fields = Request(name, "POST", "/timetravels/bookings").ToList();
        if (partialContentLength)
        {
            fields.Add(("content-length", "3"));
        }

        var result = await SendAsync(fields, [Verdict.Bytes("abc" + Smuggled)]);
        await Verdict.SettleAsync();

        AssertRefusedOrClean(result, name);
        if (!result.Refused)
        {
            Assert.Equal("abc" + Smuggled, _fixture.Upstream.Requests[0].BodyText);
        }

        await AssertHealthyAsync();
    }

    [Theory]
    [InlineData("te-chunked-with-data")]
    public async Task H2_TransferEncodingChunkedWithChunkedLookingData_NotForwardedAsFraming(string name)
    {
        const string Data = "0\r\n\r\nGET /bookings/666 HTTP/1.1\r\nHost: up\r\n\r\n";
        var fields = Request(name, "POST", "/timetravels/bookings").Append(("transfer-encoding", "chunked"));
        var result = await SendAsync(fields, [Verdict.Bytes(Data)]);
        await Verdict.SettleAsync();

        AssertRefusedOrClean(result, name);
        await AssertHealthyAsync();
    }

    private IEnumerable<(string Name, string Value)> Request(string id, string method, string path) =>
    [
        (":method", method), (":scheme", "https"), (":authority", "gateway.test"), (":path", path),
        ("authorization", $"Bearer {_fixture.Token}"), ("x-test-id", id),
    ];

    private async Task<Http2Result> SendAsync(IEnumerable<(string Name, string Value)> fields, IReadOnlyList<byte[]>? data)
    {
        await using var h2 = await _fixture.ConnectH2Async();
        return await h2.SendAsync(fields, data);
    }

    // Refused with nothing upstream; or at most one request upstream, well-formed (no injected line, token names,
    // no control bytes), exactly the framing its body needs, nothing smuggled, and 200 with the client's own answer.
    private void AssertRefusedOrClean(Http2Result result, string name)
    {
        var upstream = _fixture.Upstream;
        Assert.False(result.TimedOut, $"{name}: the gateway neither answered nor reset the stream: {result}\n{upstream.Transcript}");
        if (result.Refused)
        {
            Verdict.NothingUpstream(upstream, $"{name} (refused: {result})");
            return;
        }

        var requests = upstream.Requests;
        Assert.True(requests.Count == 1 && upstream.Connections.All(c => c.ParseError is null),
            $"{name}: not refused ({result}) and the upstream parsed {requests.Count} requests:\n{upstream.Transcript}");
        var request = requests[0];
        Verdict.WellFormed(request, upstream, name);
        Verdict.FramedAs(request, request.Body.Length == 0 && request.Method == "GET" ? Framing.None : Framing.One, name);
        Assert.DoesNotContain(request.Fields, f => f.Key.Contains("injected", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(request.Fields, f => RecordedRequest.Normalize(f.Key) is "CONNECTION" or "KEEP-ALIVE" or "UPGRADE" or "PROXY-CONNECTION" or "TE");
        Assert.False(request.Target.Contains("666", StringComparison.Ordinal) || request.Target.Contains("admin", StringComparison.Ordinal), $"{name}: {request}");
        Assert.True(result.Status == 200 && result.BodyText.Contains($"id={name};", StringComparison.Ordinal), $"{name}: forwarded but the answer is not its own: {result}");
    }

    private async Task AssertHealthyAsync()
    {
        var script = _fixture.Upstream.Script;
        await using (var h2 = await _fixture.ConnectH2Async())
        {
            var result = await h2.SendAsync(Request("h2-health", "GET", "/timetravels/bookings"));
            Assert.True(result.Status == 200 && result.BodyText.Contains("id=h2-health;", StringComparison.Ordinal), $"h2 health check after the case: {result}");
        }

        _fixture.Upstream.Script = script;
        await _fixture.AssertHealthyAsync();
    }
}
