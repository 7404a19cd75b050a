using System.Text;
using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>The response head parser on its own: bytes in, a recorded head and a framing decision out; no socket, no HttpResponse.</summary>
public sealed class Http1ResponseParserTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\n";

    public static TheoryData<string, string> RefusedHeads => new()
    {
        // Status line (RFC 9112 section 4)
        { "HTTP/1.2 200 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/2 200 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "http/1.1 200 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "ICY 200 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 2000 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 20 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1  200 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 200OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 2x0 Nope\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 099 Low\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 +20 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 200 O\u0001K\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 200 O\u007fK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "\r\nHTTP/1.1 200 OK\r\n\r\n", nameof(UpstreamProtocolError.MalformedStatusLine) },
        { "HTTP/1.1 200 OK\r\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        { "HTTP/1.1 200 O\rK\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        // Field lines (RFC 9112 section 5)
        { Ok + "X-A: 1\r\n  folded\r\n\r\n", nameof(UpstreamProtocolError.ObsoleteLineFolding) },
        { Ok + "X-A: 1\r\n\tfolded\r\n\r\n", nameof(UpstreamProtocolError.ObsoleteLineFolding) },
        { Ok + " X-A: 1\r\n\r\n", nameof(UpstreamProtocolError.ObsoleteLineFolding) },
        { Ok + "X-A : 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X-A\t: 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X A: 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + ": 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X-A\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X(A): 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X\"A: 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X-\u00e9: 1\r\n\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { Ok + "X-A: a\u0000b\r\n\r\n", nameof(UpstreamProtocolError.InvalidFieldValue) },
        { Ok + "X-A: a\u0001b\r\n\r\n", nameof(UpstreamProtocolError.InvalidFieldValue) },
        { Ok + "X-A: a\u001fb\r\n\r\n", nameof(UpstreamProtocolError.InvalidFieldValue) },
        { Ok + "X-A: a\u007fb\r\n\r\n", nameof(UpstreamProtocolError.InvalidFieldValue) },
        { Ok + "X-A: a\rb\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        { Ok + "X-A: 1\rX-B: 2\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        { Ok + "X-A: 1\r\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        { Ok + "X\rA: 1\r\n\r\n", nameof(UpstreamProtocolError.BareCarriageReturn) },
        // Content-Length (RFC 9110 section 8.6)
        { Ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", nameof(UpstreamProtocolError.MultipleContentLength) },
        { Ok + "Content-Length: 5\r\ncontent-length: 5\r\n\r\n", nameof(UpstreamProtocolError.MultipleContentLength) },
        { Ok + "Content-Length: 5, 5\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 5,6\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: +5\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: -5\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 0x5\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 5a\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: a5\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 5 5\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 5.0\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: \r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 9223372036854775808\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        { Ok + "Content-Length: 99999999999999999999\r\n\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        // Transfer-Encoding (RFC 9112 section 6.1)
        { Ok + "Transfer-Encoding: chunked, chunked\r\n\r\n", nameof(UpstreamProtocolError.InvalidTransferEncoding) },
        { Ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", nameof(UpstreamProtocolError.InvalidTransferEncoding) },
        { Ok + "Transfer-Encoding: \r\n\r\n", nameof(UpstreamProtocolError.InvalidTransferEncoding) },
        { Ok + "Transfer-Encoding: ,\r\n\r\n", nameof(UpstreamProtocolError.InvalidTransferEncoding) },
        // Interim responses
        { "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", nameof(UpstreamProtocolError.UnexpectedSwitchingProtocols) },
        { Repeat("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", Http1ResponseParser.MaxInterimResponses + 1) + Ok + "Content-Length: 0\r\n\r\n", nameof(UpstreamProtocolError.TooManyInterimResponses) },
        { "HTTP/1.1 103 Early Hints\r\nX-A : 1\r\n\r\n" + Ok + "\r\n", nameof(UpstreamProtocolError.MalformedField) },
        { "HTTP/1.1 100 Continue\r\nContent-Length: -1\r\n\r\n" + Ok + "\r\n", nameof(UpstreamProtocolError.InvalidContentLength) },
        // Size
        { Ok + "X-Big: " + new string('a', Http1ResponseParser.MaxHeadBytes) + "\r\n\r\n", nameof(UpstreamProtocolError.HeadTooLarge) },
        { Ok + "X-Big: " + new string('a', Http1ResponseParser.MaxHeadBytes), nameof(UpstreamProtocolError.HeadTooLarge) },
        { Repeat("HTTP/1.1 100 Continue\r\nX-Pad: " + new string('a', 7000) + "\r\n\r\n", 10) + Ok + "\r\n", nameof(UpstreamProtocolError.HeadTooLarge) },
    };

    [Theory]
    [MemberData(nameof(RefusedHeads))]
    public void TryParseHead_BrokenHead_IsRefusedWithItsReason(string response, string expected)
    {
        var handler = new RecordingHandler();
        UpstreamProtocolException? failure = null;
        try
        {
            Parse(response, isHead: false, ref handler);
        }
        catch (UpstreamProtocolException e)
        {
            failure = e;
        }

        Assert.NotNull(failure);
        Assert.Equal(expected, failure.Error.ToString());
        Assert.Null(handler.Completed); // a refused head is never completed (its fields may have been reported)
    }

    public static TheoryData<string, bool, string, long, bool> Framings => new()
    {
        // response, isHead, framing, forwarded Content-Length, keep-alive
        { Ok + "Content-Length: 5\r\n\r\n", false, nameof(BodyFraming.ContentLength), 5, true },
        { Ok + "Content-Length: 0\r\n\r\n", false, nameof(BodyFraming.ContentLength), 0, true },
        { Ok + "Content-Length: 0005\r\n\r\n", false, nameof(BodyFraming.ContentLength), 5, true },
        { Ok + "Content-Length:  9223372036854775807 \r\n\r\n", false, nameof(BodyFraming.ContentLength), long.MaxValue, true },
        { Ok + "Connection: close\r\nContent-Length: 5\r\n\r\n", false, nameof(BodyFraming.ContentLength), 5, false },
        { Ok + "Connection: keep-alive, Close\r\nContent-Length: 5\r\n\r\n", false, nameof(BodyFraming.ContentLength), 5, false },
        { "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", false, nameof(BodyFraming.ContentLength), 5, false },
        { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\n", false, nameof(BodyFraming.ContentLength), 5, false },
        { "HTTP/1.0 200 OK\r\n\r\n", false, nameof(BodyFraming.UntilClose), -1, false },
        { Ok + "\r\n", false, nameof(BodyFraming.UntilClose), -1, false },
        { Ok + "Transfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), -1, true },
        { Ok + "Transfer-Encoding: gzip, chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), -1, true },
        { Ok + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), -1, true },
        { Ok + "Transfer-Encoding: gzip\r\n\r\n", false, nameof(BodyFraming.UntilClose), -1, false },
        { Ok + "Transfer-Encoding: chunked, gzip\r\n\r\n", false, nameof(BodyFraming.UntilClose), -1, false },
        { Ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", false, nameof(BodyFraming.UntilClose), -1, false },
        // CL and TE together: chunked wins, never reused (RFC 9112 section 6.1), whichever comes first
        { Ok + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), -1, false },
        { Ok + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", false, nameof(BodyFraming.Chunked), -1, false },
        // 204 and 304: no body whatever the fields say; a length or coding they announce makes the connection suspect
        { "HTTP/1.1 204 No Content\r\n\r\n", false, nameof(BodyFraming.None), -1, true },
        { "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.None), -1, true },
        { "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false, nameof(BodyFraming.None), -1, false },
        { "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.None), -1, false },
        { "HTTP/1.1 304 Not Modified\r\n\r\n", false, nameof(BodyFraming.None), -1, true },
        { "HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.None), 0, true },
        { "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", false, nameof(BodyFraming.None), 100, false },
        { "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.None), -1, false },
        { "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", true, nameof(BodyFraming.None), -1, false },
        // HEAD: no body; Content-Length describes the GET's body and is forwarded; reuse stays allowed
        { Ok + "Content-Length: 1234\r\n\r\n", true, nameof(BodyFraming.None), 1234, true },
        { Ok + "Transfer-Encoding: chunked\r\n\r\n", true, nameof(BodyFraming.None), -1, true },
        { Ok + "Transfer-Encoding: gzip\r\n\r\n", true, nameof(BodyFraming.None), -1, true },
        { Ok + "\r\n", true, nameof(BodyFraming.None), -1, true },
        { Ok + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", true, nameof(BodyFraming.None), -1, false },
        { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\n", true, nameof(BodyFraming.None), 5, false },
        // Interim responses are skipped; one that announces a body, or closing, makes the connection suspect
        { "HTTP/1.1 100 Continue\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\n", false, nameof(BodyFraming.ContentLength), 2, true },
        { Repeat("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", Http1ResponseParser.MaxInterimResponses) + Ok + "Content-Length: 2\r\n\r\n", false, nameof(BodyFraming.ContentLength), 2, true },
        { "HTTP/1.1 103 Early Hints\r\nContent-Length: 5\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\n", false, nameof(BodyFraming.ContentLength), 2, false },
        { "HTTP/1.1 103 Early Hints\r\nContent-Length: 0\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\n", false, nameof(BodyFraming.ContentLength), 2, true },
        { "HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\n", false, nameof(BodyFraming.ContentLength), 2, false },
        { "HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\n", false, nameof(BodyFraming.ContentLength), 2, false },
        // Bare LF ends a line as CRLF does (RFC 9112 section 2.2), mixed or not
        { "HTTP/1.1 200 OK\nContent-Length: 2\n\n", false, nameof(BodyFraming.ContentLength), 2, true },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\n", false, nameof(BodyFraming.ContentLength), 2, true },
        // Any status from 100 to 999 is passed on
        { "HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.ContentLength), 0, true },
        { "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.ContentLength), 0, true },
    };

    [Theory]
    [MemberData(nameof(Framings))]
    public void TryParseHead_FinalHead_DecidesFramingAndReuse(string response, bool isHead, string framing, long contentLength, bool keepAlive)
    {
        var handler = new RecordingHandler();

        var (complete, consumed, head) = Parse(response, isHead, ref handler);

        Assert.True(complete);
        Assert.Equal(Encoding.Latin1.GetByteCount(response), consumed);
        Assert.Equal(new ResponseHead(Enum.Parse<BodyFraming>(framing), contentLength, keepAlive), head);
        Assert.Equal(head, handler.Completed);
    }

    [Fact]
    public void TryParseHead_ReportsStatusAndEndToEndFields_InOrder_AndStopsAtTheBody()
    {
        const string Response = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
            + "HTTP/1.1 201 Created Here\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nContent-Length: 4\r\nconnection: X-Hop, keep-alive,, bad(token)\r\n"
            + "X-Hop: secret\r\nX-Empty:\r\nX-Tab: a\tb \t\r\nSet-Cookie: b=2\r\nX-Latin: caf\u00e9\r\nTransfer-Encoding: chunked\r\n\r\nbody";
        var handler = new RecordingHandler();

        var (complete, consumed, head) = Parse(Response, isHead: false, ref handler);

        Assert.True(complete);
        Assert.Equal(Response.Length - "body".Length, consumed);
        Assert.Equal(201, handler.Status);
        Assert.Equal(Http1Version.Http11, handler.Version);
        Assert.Equal("Created Here", handler.Reason);
        // Framing fields are the parser's own; hop-by-hop ones are the handler's call; interim fields never show.
        Assert.Equal(
            [("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("X-Hop", "secret"), ("X-Empty", ""), ("X-Tab", "a\tb"), ("Set-Cookie", "b=2"), ("X-Latin", "caf\u00e9")],
            handler.Fields);
        Assert.Equal(["X-Hop"], handler.Options);
        Assert.Equal(new ResponseHead(BodyFraming.Chunked, -1, false), head);
    }

    [Theory]
    [InlineData("HTTP/1.1 200\r\n\r\n", 200, "")]
    [InlineData("HTTP/1.1 200 \r\n\r\n", 200, "")]
    [InlineData("HTTP/1.0 404 Not\tFound\r\n\r\n", 404, "Not\tFound")]
    [InlineData("HTTP/1.1 500 D\u00e9faillance\r\n\r\n", 500, "D\u00e9faillance")]
    public void TryParseHead_StatusLine_WithOrWithoutReason(string response, int status, string reason)
    {
        var handler = new RecordingHandler();

        Parse(response, isHead: true, ref handler);

        Assert.Equal(status, handler.Status);
        Assert.Equal(reason, handler.Reason);
    }

    [Fact]
    public void TryParseHead_EveryIncompletePrefix_ReportsNothing_AndTheWholeHeadParses()
    {
        const string Response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n";
        var bytes = Encoding.Latin1.GetBytes(Response);
        for (var length = 0; length < bytes.Length; length++)
        {
            var handler = new RecordingHandler();
            Assert.False(Http1ResponseParser.TryParseHead(bytes.AsSpan(0, length), false, ref handler, out var consumed, out _));
            Assert.Equal(0, consumed);
            Assert.Null(handler.Status);
        }

        var whole = new RecordingHandler();
        Assert.True(Http1ResponseParser.TryParseHead(bytes, false, ref whole, out var all, out _));
        Assert.Equal(bytes.Length, all);
        Assert.Equal([("Content-Type", "text/plain")], whole.Fields);
    }

    [Theory]
    [InlineData(204, "Http11", false, 5L, "None", false, "None", -1L, false)]
    [InlineData(304, "Http11", false, 7L, "None", false, "None", 7L, false)]
    [InlineData(200, "Http11", false, 7L, "None", true, "ContentLength", 7L, false)]
    [InlineData(200, "Http10", false, 7L, "None", false, "ContentLength", 7L, false)]
    [InlineData(200, "Http11", false, 7L, "Chunked", false, "Chunked", -1L, false)]
    [InlineData(200, "Http11", true, 7L, "None", false, "None", 7L, true)]
    [InlineData(200, "Http11", false, -1L, "Other", false, "UntilClose", -1L, false)]
    public void DecideFraming_FromFieldsAlone(int status, string version, bool isHead, long length, string coding, bool close,
        string framing, long forwarded, bool keepAlive)
    {
        var fields = new FramingFields { ContentLength = length, TransferCoding = Enum.Parse<TransferCoding>(coding), ConnectionClose = close };

        Assert.Equal(
            new ResponseHead(Enum.Parse<BodyFraming>(framing), forwarded, keepAlive),
            Http1ResponseParser.DecideFraming(status, Enum.Parse<Http1Version>(version), isHead, fields));
    }

    [Fact]
    public void TryParseHead_SmallResponse_AllocatesNothing()
    {
        // The proxied hot path: a 200 with Content-Length and a handful of fields. Strings are the handler's business.
        var bytes = Encoding.ASCII.GetBytes(Ok + "Content-Type: application/json\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nServer: Kestrel\r\n"
            + "Cache-Control: no-store\r\nConnection: keep-alive, X-Hop\r\nX-Request-Id: 42\r\nContent-Length: 2\r\n\r\nok");
        var handler = new CountingHandler();
        Assert.True(Http1ResponseParser.TryParseHead(bytes, false, ref handler, out _, out _)); // JIT first

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Http1ResponseParser.TryParseHead(bytes, false, ref handler, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101 * 6, handler.Fields);
    }

    private static (bool Complete, int Consumed, ResponseHead Head) Parse(string response, bool isHead, ref RecordingHandler handler)
    {
        var complete = Http1ResponseParser.TryParseHead(Encoding.Latin1.GetBytes(response), isHead, ref handler, out var consumed, out var head);
        return (complete, consumed, head);
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    /// <summary>Collects what the parser reports, as text.</summary>
    private struct RecordingHandler() : IResponseHeadHandler
    {
        public int? Status { get; private set; }

        public Http1Version Version { get; private set; }

        public string? Reason { get; private set; }

        public List<(string Name, string Value)> Fields { get; } = [];

        public List<string> Options { get; } = [];

        public ResponseHead? Completed { get; private set; }

        public void OnStatusLine(Http1Version version, int statusCode, ReadOnlySpan<byte> reasonPhrase)
        {
            Assert.Null(Status); // once per head
            (Version, Status, Reason) = (version, statusCode, Encoding.Latin1.GetString(reasonPhrase));
        }

        public readonly void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            Fields.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));

        public readonly void OnConnectionOption(ReadOnlySpan<byte> option) => Options.Add(Encoding.Latin1.GetString(option));

        public void OnHeadComplete(in ResponseHead head)
        {
            Assert.Null(Completed);
            Completed = head;
        }
    }

    private struct CountingHandler : IResponseHeadHandler
    {
        public int Fields { get; private set; }

        public readonly void OnStatusLine(Http1Version version, int statusCode, ReadOnlySpan<byte> reasonPhrase)
        {
        }

        public void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Fields++;

        public void OnConnectionOption(ReadOnlySpan<byte> option) => Fields++;

        public readonly void OnHeadComplete(in ResponseHead head)
        {
        }
    }
}
