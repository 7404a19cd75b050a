using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 1, request smuggling (HTTP/1.1 desync, after Kettle's "HTTP Desync Attacks" and the HTTP Garden's
/// differential findings): framing belongs to the gateway. The client's Content-Length and Transfer-Encoding are
/// never copied; the gateway writes exactly one framing field (none without a body), and naming framing fields in
/// Connection cannot remove them. The upstream parses exactly one request per client request.
/// </summary>
/// <remarks>
/// Templates: <c>{H}</c> expands to Host, Authorization (view book token) and X-Test-Id (the case name). Requests
/// smuggled in bodies target <c>/bookings/666</c>. The upstream answers <c>Connection: close</c> here so a smuggled
/// leftover of one case cannot answer the next case's request.
/// </remarks>
[Collection(AdversarialSerial.Name)]
public sealed class RequestFramingTests : IClassFixture<AdversarialGateway>
{
    private const string SmuggledGet = "GET /bookings/666 HTTP/1.1\r\nHost: up\r\nX-Test-Id: smuggled\r\n\r\n";
    private const string SmuggledDelete = "DELETE /bookings/666 HTTP/1.1\r\nHost: up\r\nX-Test-Id: smuggled\r\n\r\n";

    private readonly AdversarialGateway _fixture;

    public RequestFramingTests(AdversarialGateway fixture)
    {
        _fixture = fixture;
        fixture.Upstream.KeepAlive = false;
        fixture.Upstream.Reset();
    }

    public static TheoryData<string, string, Expect, string?, Framing> Cases()
    {
        var data = new TheoryData<string, string, Expect, string?, Framing>();
        void Post(string name, string fields, string body, Expect expect, string? expectedBody, Framing framing = Framing.One) =>
            data.Add(name, $"POST /timetravels/bookings HTTP/1.1\r\n{{H}}{fields}\r\n{body}", expect, expectedBody, framing);
        void Get(string name, string raw, Expect expect) => data.Add(name, raw, expect, null, Framing.None);
        static string Chunked(string s) => $"{s.Length:x}\r\n{s}\r\n0\r\n\r\n";
        var g = SmuggledGet.Length;
        var d = SmuggledDelete.Length;

        // Connection naming the framing fields (RFC 9110 section 7.6.1 lets a client list any field name there).
        Post("conn-cl-smuggled-get", $"Connection: Content-Length\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-cl-smuggled-delete", $"Connection: Content-Length\r\nContent-Length: {d}\r\n", SmuggledDelete, Expect.Forward, SmuggledDelete);
        Post("conn-keepalive-close-cl", $"Connection: keep-alive, close, Content-Length\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-te-chunked", "Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n", Chunked(SmuggledGet), Expect.Forward, SmuggledGet);
        Post("conn-lowercase-name-value", $"connection: content-length\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-uppercase-value", $"Connection: CONTENT-LENGTH\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-ows-list", $"Connection:  content-length ,x\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-tabs", $"Connection:\tContent-Length\t\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-two-fields", $"Connection: keep-alive\r\nConnection: Content-Length\r\nContent-Length: {g}\r\n", SmuggledGet, Expect.Forward, SmuggledGet);
        Post("conn-both-framing-names", $"Connection: Content-Length, Transfer-Encoding\r\nContent-Length: {d}\r\n", SmuggledDelete, Expect.Forward, SmuggledDelete);
        Post("conn-cl-before-field", $"Content-Length: {g}\r\nConnection: close, Content-Length\r\n", SmuggledGet, Expect.Forward, SmuggledGet);

        // CL and TE together (RFC 9112 section 6.1: TE wins, or the request is refused).
        Post("cl-te-both", "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", Chunked("hello"), Expect.Either, "hello");
        Post("te-cl-both-smuggled", $"Transfer-Encoding: chunked\r\nContent-Length: {5 + d}\r\n", "0\r\n\r\n" + SmuggledDelete, Expect.Either, "");
        Post("cl-te-both-lowercase", "content-length: 5\r\ntransfer-encoding: chunked\r\n", Chunked("hello"), Expect.Either, "hello");

        // Content-Length variants (RFC 9110 section 8.6: 1*DIGIT; RFC 9112 section 6.3: invalid -> 400).
        Post("cl-duplicate-same", "Content-Length: 5\r\nContent-Length: 5\r\n", "hello", Expect.Either, "hello");
        Post("cl-duplicate-different", "Content-Length: 5\r\nContent-Length: 6\r\n", "hello!", Expect.Refuse, null);
        Post("cl-list-same", "Content-Length: 5, 5\r\n", "hello", Expect.Either, "hello");
        Post("cl-list-different", "Content-Length: 5, 6\r\n", "hello!", Expect.Refuse, null);
        // Kestrel reads "+5" as 5; re-framed by the gateway it cannot desync, so forwarding with Content-Length: 5 is allowed.
        Post("cl-plus-sign", "Content-Length: +5\r\n", "hello", Expect.Either, "hello", Framing.ContentLength);
        Post("cl-hex", "Content-Length: 0x5\r\n", "hello", Expect.Refuse, null);
        Post("cl-negative", "Content-Length: -5\r\n", "hello", Expect.Refuse, null);
        Post("cl-trailing-junk", "Content-Length: 5x\r\n", "hello", Expect.Refuse, null);
        Post("cl-space-inside", "Content-Length: 5 5\r\n", "hello", Expect.Refuse, null);
        Post("cl-space-before-colon", "Content-Length : 5\r\n", "hello", Expect.Refuse, null);
        Post("cl-huge", "Content-Length: 99999999999999999999999\r\n", "hello", Expect.Refuse, null);
        Post("cl-leading-zeros", "Content-Length: 005\r\n", "hello", Expect.Forward, "hello", Framing.ContentLength);
        Post("cl-no-space", "Content-Length:5\r\n", "hello", Expect.Forward, "hello", Framing.ContentLength);
        Post("cl-uppercase-name", "CONTENT-LENGTH: 5\r\n", "hello", Expect.Forward, "hello", Framing.ContentLength);
        Post("cl-ows", "Content-Length:  5  \r\n", "hello", Expect.Forward, "hello", Framing.ContentLength);
        Post("cl-zero", "Content-Length: 0\r\n", "", Expect.Forward, "", Framing.ContentLength);
        Post("cl-zero-conn-cl", "Connection: Content-Length\r\nContent-Length: 0\r\n", "", Expect.Forward, "", Framing.ContentLength);

        // Transfer-Encoding obfuscation (Kettle; RFC 9112 section 6.3: final coding not chunked -> 400).
        Post("te-chunked-identity", "Transfer-Encoding: chunked, identity\r\n", Chunked("hello"), Expect.Refuse, null);
        Post("te-xchunked", "Transfer-Encoding: xchunked\r\n", Chunked("hello"), Expect.Refuse, null);
        Post("te-chunked-then-x", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n", Chunked("hello"), Expect.Refuse, null);
        Post("te-cow", "Transfer-encoding: cow\r\n", Chunked("hello"), Expect.Refuse, null);
        Post("te-space-before-colon", "Transfer-Encoding : chunked\r\n", Chunked("hello"), Expect.Refuse, null);
        Post("te-quoted", "Transfer-Encoding: \"chunked\"\r\n", Chunked("hello"), Expect.Refuse, null);
        Post("te-tab", "Transfer-Encoding:\tchunked\r\n", Chunked("hello"), Expect.Forward, "hello");
        Post("te-uppercase", "TRANSFER-ENCODING: CHUNKED\r\n", Chunked("hello"), Expect.Forward, "hello");
        Post("te-vertical-tab", "Transfer-Encoding: \vchunked\r\n", Chunked("hello"), Expect.Either, "hello");
        Post("te-form-feed", "Transfer-Encoding: chunked\f\r\n", Chunked("hello"), Expect.Either, "hello");
        Post("te-chunked-twice", "Transfer-Encoding: chunked, chunked\r\n", Chunked("hello"), Expect.Either, "hello");
        Post("te-leading-comma", "Transfer-Encoding: , chunked\r\n", Chunked("hello"), Expect.Either, "hello");
        Post("te-identity-chunked", "Transfer-Encoding: identity, chunked\r\n", Chunked("hello"), Expect.Either, "hello");
        Post("te-obs-fold", "Transfer-Encoding: identity\r\n chunked\r\n", Chunked("hello"), Expect.Either, "hello");

        // Chunked body variants.
        Post("chunk-extension", "Transfer-Encoding: chunked\r\n", "5;ext=1\r\nhello\r\n0\r\n\r\n", Expect.Forward, "hello");
        Post("chunk-extension-quoted", "Transfer-Encoding: chunked\r\n", "5;a=\"b;c\"\r\nhello\r\n0\r\n\r\n", Expect.Either, "hello");
        Post("chunk-leading-zeros", "Transfer-Encoding: chunked\r\n", "0005\r\nhello\r\n0\r\n\r\n", Expect.Forward, "hello");
        Post("chunk-many-zeros", "Transfer-Encoding: chunked\r\n", "0000000000000000000000005\r\nhello\r\n0\r\n\r\n", Expect.Either, "hello");
        Post("chunk-size-overflow", "Transfer-Encoding: chunked\r\n", "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n", Expect.Refuse, null);
        Post("chunk-size-wraps-to-5", "Transfer-Encoding: chunked\r\n", "10000000000000005\r\nhello\r\n0\r\n\r\n", Expect.Refuse, null);
        Post("chunk-size-negative", "Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n", Expect.Refuse, null);
        Post("chunk-size-0x", "Transfer-Encoding: chunked\r\n", "0x5\r\nhello\r\n0\r\n\r\n", Expect.Refuse, null);
        Post("chunk-size-trailing-space", "Transfer-Encoding: chunked\r\n", "5 \r\nhello\r\n0\r\n\r\n", Expect.Either, "hello");
        Post("chunk-bare-lf", "Transfer-Encoding: chunked\r\n", "5\nhello\n0\n\n", Expect.Either, "hello");
        Post("chunk-trailer-field", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n", Expect.Forward, "hello");
        Post("chunk-smuggled-after-last", "Transfer-Encoding: chunked\r\n", Chunked(SmuggledGet), Expect.Forward, SmuggledGet);

        // Field syntax (RFC 9112 section 5: whitespace before colon -> 400; obs-fold; CR, LF, NUL in values).
        Get("obs-fold", "GET /timetravels/bookings HTTP/1.1\r\n{H}X-Fold: a\r\n b\r\n\r\n", Expect.Either);
        Get("ws-before-colon", "GET /timetravels/bookings HTTP/1.1\r\n{H}X-A : 1\r\n\r\n", Expect.Refuse);
        Get("bare-cr-in-value", "GET /timetravels/bookings HTTP/1.1\r\n{H}X-A: a\rX-Injected: 1\r\n\r\n", Expect.Refuse);
        Get("nul-in-value", "GET /timetravels/bookings HTTP/1.1\r\n{H}X-A: a\0b\r\n\r\n", Expect.Either);
        Get("bare-lf-lines", "GET /timetravels/bookings HTTP/1.1\n{h}\n", Expect.Either);
        Get("host-duplicate", "GET /timetravels/bookings HTTP/1.1\r\n{H}Host: other.test\r\n\r\n", Expect.Refuse);
        Get("get-no-body", "GET /timetravels/bookings HTTP/1.1\r\n{H}\r\n", Expect.Forward);
        data.Add("get-with-body-smuggled", $"GET /timetravels/bookings HTTP/1.1\r\n{{H}}Content-Length: {g}\r\n\r\n{SmuggledGet}", Expect.Either, SmuggledGet, Framing.ContentLength);
        Get("field-without-colon", "GET /timetravels/bookings HTTP/1.1\r\n{H}X-No-Colon\r\n\r\n", Expect.Refuse);
        // Kestrel accepts it: refusing or dropping it are both fine, forwarding a non-token name is not.
        Get("field-name-not-token", "GET /timetravels/bookings HTTP/1.1\r\n{H}X-A(b): 1\r\n\r\n", Expect.Either);
        Get("field-name-empty", "GET /timetravels/bookings HTTP/1.1\r\n{H}: 1\r\n\r\n", Expect.Refuse);
        Get("http09-request-line", "GET /timetravels/bookings\r\n{H}\r\n", Expect.Refuse);

        // HTTP/1.0.
        Get("http10-no-keepalive", "GET /timetravels/bookings HTTP/1.0\r\n{H}\r\n", Expect.Forward);
        Get("http10-keepalive", "GET /timetravels/bookings HTTP/1.0\r\n{H}Connection: keep-alive\r\n\r\n", Expect.Forward);
        data.Add("http10-post-cl", "POST /timetravels/bookings HTTP/1.0\r\n{H}Content-Length: 5\r\n\r\nhello", Expect.Forward, "hello", Framing.ContentLength);
        data.Add("http10-conn-cl-smuggled", $"POST /timetravels/bookings HTTP/1.0\r\n{{H}}Connection: keep-alive, Content-Length\r\nContent-Length: {g}\r\n\r\n{SmuggledGet}", Expect.Forward, SmuggledGet, Framing.ContentLength);
        data.Add("http10-te-chunked", "POST /timetravels/bookings HTTP/1.0\r\n{H}Transfer-Encoding: chunked\r\n\r\n" + Chunked("hello"), Expect.Either, "hello", Framing.One);

        // Request line variants.
        Get("absolute-form", "GET http://gateway.test/timetravels/bookings HTTP/1.1\r\n{H}\r\n", Expect.Either);
        Get("absolute-form-other-host", "GET http://evil.test/timetravels/bookings HTTP/1.1\r\n{H}\r\n", Expect.Either);
        Get("version-lowercase", "GET /timetravels/bookings http/1.1\r\n{H}\r\n", Expect.Refuse);
        Get("version-1.2", "GET /timetravels/bookings HTTP/1.2\r\n{H}\r\n", Expect.Refuse);
        Get("double-space-before-target", "GET  /timetravels/bookings HTTP/1.1\r\n{H}\r\n", Expect.Either);
        Get("double-space-before-version", "GET /timetravels/bookings  HTTP/1.1\r\n{H}\r\n", Expect.Either);
        Get("tab-separator", "GET\t/timetravels/bookings HTTP/1.1\r\n{H}\r\n", Expect.Either);
        Get("trailing-space-request-line", "GET /timetravels/bookings HTTP/1.1 \r\n{H}\r\n", Expect.Either);
        Get("method-lowercase", "get /timetravels/bookings HTTP/1.1\r\n{H}\r\n", Expect.Either);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Framing_AdversarialRequest_UpstreamParsesExactlyOneRequest(string name, string template, Expect expect, string? expectedBody, Framing framing)
    {
        var raw = Expand(template, name);

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(raw);
        await Verdict.SettleAsync();

        Verdict.Judge(expect, response, _fixture.Upstream, name, "/bookings", expectedBody, framing, name);
        Assert.DoesNotContain(_fixture.Upstream.Requests, r => r.Target.Contains("666", StringComparison.Ordinal));
        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Pipelining_TwoGetsInOneWrite_EachReachesUpstreamOnceAndGetsItsOwnAnswer()
    {
        await using var client = await _fixture.ConnectAsync();
        await client.SendAsync(Expand("GET /timetravels/bookings HTTP/1.1\r\n{H}\r\n", "pipe-1") + Expand("GET /timetravels/bookings/7 HTTP/1.1\r\n{H}\r\n", "pipe-2"));

        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();
        await Verdict.SettleAsync();

        Assert.True(first is { Status: 200 } && first.BodyText.Contains("id=pipe-1;", StringComparison.Ordinal), $"first: {first}");
        Assert.True(second is { Status: 200 } && second.BodyText.Contains("id=pipe-2;", StringComparison.Ordinal), $"second: {second}");
        var requests = _fixture.Upstream.Requests;
        Assert.True(requests.Count == 2, _fixture.Upstream.Transcript);
        Assert.Equal(["/bookings", "/bookings/7"], requests.Select(r => r.Target).Order(StringComparer.Ordinal));
        await _fixture.AssertHealthyAsync(client);
    }

    [Theory]
    [InlineData("Connection: Content-Length")]
    [InlineData("Connection: keep-alive, Content-Length")]
    public async Task Pipelining_SecondRequestCarriesSmuggledBody_EachReachesUpstreamOnce(string connection)
    {
        var smuggling = Expand($"POST /timetravels/bookings HTTP/1.1\r\n{{H}}{connection}\r\nContent-Length: {SmuggledDelete.Length}\r\n\r\n{SmuggledDelete}", "pipe-post");
        await using var client = await _fixture.ConnectAsync();
        await client.SendAsync(Expand("GET /timetravels/bookings HTTP/1.1\r\n{H}\r\n", "pipe-get") + smuggling);

        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();
        await Verdict.SettleAsync();

        Assert.True(first is { Status: 200 } && first.BodyText.Contains("id=pipe-get;", StringComparison.Ordinal), $"first: {first}\n{_fixture.Upstream.Transcript}");
        Assert.True(second is { Status: 200 } && second.BodyText.Contains("id=pipe-post;", StringComparison.Ordinal), $"second: {second}\n{_fixture.Upstream.Transcript}");
        var requests = _fixture.Upstream.Requests;
        Assert.True(requests.Count == 2 && requests.All(r => !r.Target.Contains("666", StringComparison.Ordinal)), _fixture.Upstream.Transcript);
        var post = requests.Single(r => r.Method == "POST");
        Assert.Equal(SmuggledDelete, post.BodyText);
        Verdict.FramedAs(post, Framing.ContentLength, "pipelined POST");
        await _fixture.AssertHealthyAsync(client);
    }

    // {H}: Host, Authorization, X-Test-Id as CRLF-ended lines; {h}: the same with bare LF line ends.
    private string Expand(string template, string id)
    {
        var fields = $"Host: gateway.test\r\nAuthorization: Bearer {_fixture.Token}\r\nX-Test-Id: {id}\r\n";
        return template.Replace("{H}", fields, StringComparison.Ordinal).Replace("{h}", fields.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
