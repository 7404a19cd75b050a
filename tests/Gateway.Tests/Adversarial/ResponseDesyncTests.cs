using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 4, response desync / queue poisoning: bytes the upstream sends that no request asked for never reach
/// another client. Client A and client B (separate connections, different X-Test-Id) share the gateway's pool of
/// upstream connections; the upstream misbehaves on A's exchange; B's next requests must get B's own answers.
/// Each case gets its own gateway (the pool's state is what is tested, so no case may inherit another's leftovers).
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class ResponseDesyncTests : IAsyncLifetime
{
    private const string Poison = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\npoison";

    private readonly AdversarialGateway _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    /// <summary>(case, bytes answered to A ("{OK}": a normal answer; a trailing "{CLOSE}": close after), bytes written
    /// 200 ms later on the same connection or "", whether A's request is HEAD).</summary>
    public static TheoryData<string, string, string, bool> Cases() => new()
    {
        { "extra-response-same-write", "{OK}" + Poison, "", false },
        { "extra-garbage-same-write", "{OK}garbage!", "", false },
        { "extra-response-200ms-later", "{OK}", Poison, false },
        { "extra-garbage-200ms-later", "{OK}", "garbage!", false },
        { "204-with-content-length-and-body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n0123456789", "", false },
        { "204-with-body-then-response", "HTTP/1.1 204 No Content\r\nContent-Length: " + 6 + "\r\n\r\npoison" + Poison, "", false },
        { "304-with-content-length-and-body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello", "", false },
        { "http10-keepalive-then-response", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok" + Poison, "", false },
        { "http10-keepalive-no-length", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nok" + Poison + "{CLOSE}", "", false },
        { "408-on-idle-connection", "{OK}", "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", false },
        { "cl-and-te", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + Poison, "", false },
        { "te-and-cl-covering-poison", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: " + (15 + Poison.Length) + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + Poison, "", false },
        { "two-content-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 8\r\n\r\nokpoison" + Poison, "", false },
        { "content-length-list", "HTTP/1.1 200 OK\r\nContent-Length: 2, 8\r\n\r\nokpoison" + Poison, "", false },
        { "content-length-too-short", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + Poison, "", false },
        { "chunked-then-response", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + Poison, "", false },
        { "chunked-then-response-later", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", Poison, false },
        { "interim-then-final-then-response", "HTTP/1.1 100 Continue\r\n\r\n{OK}" + Poison, "", false },
        { "head-answered-with-body", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\npoison", "", true },
        { "head-answered-with-response", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" + Poison, "", true },
        { "te-obfuscated", "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\nok" + Poison + "{CLOSE}", "", false },
        { "space-before-colon", "HTTP/1.1 200 OK\r\nContent-Length : 40\r\nContent-Length: 2\r\n\r\nok" + Poison, "", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Desync_UpstreamSendsUnsolicitedBytesOnAsExchange_ClientBGetsItsOwnAnswers(string name, string answer, string later, bool head)
    {
        var idA = $"a-{name}";
        var close = answer.EndsWith("{CLOSE}", StringComparison.Ordinal);
        answer = answer.Replace("{CLOSE}", "", StringComparison.Ordinal);
        await WarmPoolAsync();
        _fixture.Upstream.Script = request => request.Field("X-Test-Id") == idA
            ? new UpstreamReply(UpstreamReply.Text(answer.Replace("{OK}", OkText(RecordingUpstream.DefaultAnswerBody(request)), StringComparison.Ordinal)),
                Close: close, Later: later.Length > 0 ? UpstreamReply.Text(later) : null, LaterDelay: TimeSpan.FromMilliseconds(200))
            : null;

        await using (var a = await _fixture.ConnectAsync())
        {
            var response = await a.SendAndReadAsync(_fixture.Head(head ? "HEAD" : "GET", "/timetravels/bookings", idA) + "\r\n", isHead: head);
            Assert.True(response is null || response.Status is < 500 || response.JsonError is not null, $"{name}: A got a non-JSON server error: {response}");
        }

        await Task.Delay(400); // "later" bytes arrive while the connection idles in the pool

        for (var i = 0; i < 3; i++)
        {
            var idB = $"b{i}-{name}";
            await using var b = await _fixture.ConnectAsync();
            var response = await b.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", idB) + "\r\n");
            Assert.True(response is { Status: 200 } && response.BodyText.Contains($"id={idB};", StringComparison.Ordinal),
                $"{name}: client B (request {i}) did not get its own answer: {response}\nupstream:\n{_fixture.Upstream.Transcript}");
        }

        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Desync_Upstream204WithContentLength_ClientGets204()
    {
        _fixture.Upstream.Script = request => request.Field("X-Test-Id") == "204"
            ? new UpstreamReply(UpstreamReply.Text("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"))
            : null;
        await using var client = await _fixture.ConnectAsync();

        var response = await client.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", "204") + "\r\n");

        Assert.True(response is { Status: 204 } && response.Body.Length == 0, $"expected 204 without body, got {response}");
        await _fixture.AssertHealthyAsync(client);
    }

    [Fact]
    public async Task Desync_HeadWithContentLengthResponse_NoBodyAndNextRequestOnConnectionIsFine()
    {
        _fixture.Upstream.Script = request => request.Method == "HEAD"
            ? new UpstreamReply(UpstreamReply.Text("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"))
            : null;
        await using var client = await _fixture.ConnectAsync();

        var response = await client.SendAndReadAsync(_fixture.Head("HEAD", "/timetravels/bookings", "head") + "\r\n", isHead: true);

        Assert.NotNull(response);
        // The API defines no HEAD resource: the gateway may refuse it (4xx); if it forwards it, the head comes back as is.
        Assert.True(response is { Status: 200 or (>= 400 and < 500) }, $"HEAD: {response}");
        if (response.Status == 200)
        {
            Assert.Equal("5", response.Field("Content-Length"));
        }

        await _fixture.AssertHealthyAsync(client);
    }

    // One answered exchange leaves one idle connection in the pool, which A's request then reuses.
    private async Task WarmPoolAsync()
    {
        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", "warm") + "\r\n");
        Assert.True(response is { Status: 200 }, $"warm-up: {response}");
    }

    private static string OkText(string body) => $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}";
}
