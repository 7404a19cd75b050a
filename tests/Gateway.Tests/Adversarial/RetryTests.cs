using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 7: no automatic retry of a non-idempotent request (RFC 9110 section 9.2.2). A POST sent on a reused pooled
/// connection that the upstream closes without answering may have been processed: it is not sent again, and the
/// client gets 502 JSON. A GET in the same situation may be retried once (control). Each case gets its own gateway
/// so the pool holds exactly the warmed-up connections.
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class RetryTests : IAsyncLifetime
{
    private readonly AdversarialGateway _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Theory]
    [InlineData("post-content-length-0", "Content-Length: 0\r\n", "")]
    [InlineData("post-no-body-fields", "", "")]
    [InlineData("post-with-body", "Content-Length: 2\r\n", "{}")]
    [InlineData("post-chunked-body", "Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n")]
    public async Task Retry_PostOnReusedConnectionClosedWithoutAnswer_SentAtMostOnceAnd502(string id, string fields, string body)
    {
        await WarmPoolAsync();
        _fixture.Upstream.Script = request => request.Field("X-Test-Id") == id ? UpstreamReply.CloseWithoutAnswer : null;

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", id) + fields + "\r\n" + body);
        await Verdict.SettleAsync();

        var posts = _fixture.Upstream.Requests.Count(r => r.Field("X-Test-Id") == id);
        Assert.True(posts <= 1, $"the POST reached the upstream {posts} times:\n{_fixture.Upstream.Transcript}");
        Assert.True(response is { Status: 502 } && response.JsonError == "bad_gateway", $"expected 502 bad_gateway JSON, got {response}");
        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Retry_GetOnReusedConnectionClosedWithoutAnswer_RetriedAtMostOnce()
    {
        await WarmPoolAsync();
        var seen = 0;
        _fixture.Upstream.Script = request => request.Field("X-Test-Id") == "retry-get" && Interlocked.Increment(ref seen) == 1 ? UpstreamReply.CloseWithoutAnswer : null;

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", "retry-get") + "\r\n");
        await Verdict.SettleAsync();

        var gets = _fixture.Upstream.Requests.Count(r => r.Field("X-Test-Id") == "retry-get");
        Assert.True(gets is 1 or 2, $"the GET reached the upstream {gets} times");
        Assert.True(gets == 2 ? response is { Status: 200 } : response is { Status: 502 }, $"{gets} GETs upstream, client got {response}");
        await _fixture.AssertHealthyAsync();
    }

    // Answered keep-alive exchanges leave idle connections in the gateway's pool, so the next request reuses one.
    private async Task WarmPoolAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            await using var client = await _fixture.ConnectAsync();
            var response = await client.SendAndReadAsync(_fixture.Head("GET", "/timetravels/bookings", $"warm-{i}") + "\r\n");
            Assert.True(response is { Status: 200 }, $"warm-up: {response}");
        }

        _fixture.Upstream.Reset();
    }
}
