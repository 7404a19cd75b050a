using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>
/// Class 8: client errors are the client's. A body over the limit (Kestrel:Limits:MaxRequestBodySize=1024 in the
/// fixture) is 413 JSON, a malformed chunked body is 400 (JSON, or Kestrel's own 400); neither, nor a client that
/// disconnects mid-body, is logged as an upstream failure, and the upstream never receives a complete request made
/// from the broken body.
/// </summary>
[Collection(AdversarialSerial.Name)]
public sealed class ClientErrorTests : IClassFixture<AdversarialGateway>
{
    private readonly AdversarialGateway _fixture;

    public ClientErrorTests(AdversarialGateway fixture)
    {
        _fixture = fixture;
        fixture.Upstream.KeepAlive = false;
        fixture.Upstream.Reset();
    }

    [Fact]
    public async Task ClientError_ContentLengthOverLimit_413JsonNothingUpstreamNotLogged()
    {
        var before = _fixture.Gateway.Output.Length;
        var body = new string('a', 2000);

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", "big-cl") + $"Content-Length: {body.Length}\r\n\r\n{body}");
        await Verdict.SettleAsync();

        Verdict.RefusedJson(response, 413, null, _fixture.Upstream, "Content-Length over the limit");
        Verdict.NoUpstreamFailureLogged(_fixture.Gateway, before, "Content-Length over the limit");
        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task ClientError_ChunkedOverLimit_413JsonNoCompleteRequestUpstreamNotLogged()
    {
        var before = _fixture.Gateway.Output.Length;
        var chunk = new string('a', 500);
        var body = string.Concat(Enumerable.Repeat($"{chunk.Length:x}\r\n{chunk}\r\n", 5)) + "0\r\n\r\n";

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", "big-chunked") + $"Transfer-Encoding: chunked\r\n\r\n{body}");
        await Verdict.SettleAsync();

        Assert.True(response is { Status: 413 } && response.JsonError is not null, $"expected 413 JSON, got {response}");
        Assert.True(_fixture.Upstream.Requests.Count == 0, $"a truncated body reached the upstream as a complete request:\n{_fixture.Upstream.Transcript}");
        Verdict.NoUpstreamFailureLogged(_fixture.Gateway, before, "chunked body over the limit");
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("bad-chunk-size", "zz\r\nhello\r\n0\r\n\r\n")]
    [InlineData("missing-crlf-after-data", "5\r\nhelloXX0\r\n\r\n")]
    [InlineData("chunk-size-overflow", "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n")]
    [InlineData("chunk-data-longer-than-size", "3\r\nhello\r\n0\r\n\r\n")]
    [InlineData("chunk-size-negative", "-1\r\nhello\r\n0\r\n\r\n")]
    public async Task ClientError_MalformedChunkedBody_400NoCompleteRequestUpstreamNotLogged(string name, string body)
    {
        var before = _fixture.Gateway.Output.Length;

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", name) + $"Transfer-Encoding: chunked\r\n\r\n{body}");
        await Verdict.SettleAsync();

        Assert.True(response is { Status: 400 }, $"{name}: expected 400, got {response}");
        Assert.True(_fixture.Upstream.Requests.Count == 0, $"{name}: a broken body reached the upstream as a complete request:\n{_fixture.Upstream.Transcript}");
        Verdict.NoUpstreamFailureLogged(_fixture.Gateway, before, name);
        await _fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("disconnect-mid-content-length", "Content-Length: 100\r\n\r\n0123456789")]
    [InlineData("disconnect-mid-chunk", "Transfer-Encoding: chunked\r\n\r\n64\r\n0123456789")]
    [InlineData("disconnect-between-chunks", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")]
    public async Task ClientError_ClientDisconnectsMidBody_NotLoggedAsUpstreamFailureNoCompleteRequestUpstream(string name, string rest)
    {
        var before = _fixture.Gateway.Output.Length;

        await using (var client = await _fixture.ConnectAsync())
        {
            await client.SendAsync(_fixture.Head("POST", "/timetravels/bookings", name) + rest);
            await Task.Delay(300);
        }

        await Task.Delay(700);

        Assert.True(_fixture.Upstream.Requests.Count == 0, $"{name}: a cut body reached the upstream as a complete request:\n{_fixture.Upstream.Transcript}");
        Verdict.NoUpstreamFailureLogged(_fixture.Gateway, before, name);
        await _fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task ClientError_BodyExactlyAtLimit_Forwarded()
    {
        var body = new string('a', 1024);

        await using var client = await _fixture.ConnectAsync();
        var response = await client.SendAndReadAsync(_fixture.Head("POST", "/timetravels/bookings", "at-limit") + $"Content-Length: {body.Length}\r\n\r\n{body}");
        await Verdict.SettleAsync();

        Verdict.ForwardedOnce(response, _fixture.Upstream, "at-limit", "/bookings", body, Framing.ContentLength, "body at the limit");
    }
}
