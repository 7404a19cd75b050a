using System.Net;
using System.Net.Sockets;
using System.Text;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>A real gateway in front of a test upstream, with a client-credentials token for view and book.</summary>
public abstract class TokenGatewayFixture : IAsyncLifetime
{
    private readonly TempFolder _storage = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await GatewayProcess.StartAsync(_storage.Path, await StartUpstreamAsync());
        Http = Gateway.CreateClient();
        Token = await GetTokenAsync(Http, await CreateClientAsync(Http, "view book"));
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        await StopUpstreamAsync();
        _storage.Dispose();
    }

    /// <summary>Starts the upstream; returns its base URL (no trailing '/').</summary>
    protected abstract Task<string> StartUpstreamAsync();

    protected abstract ValueTask StopUpstreamAsync();
}

/// <summary>A real gateway in front of <see cref="EchoUpstream"/> (Kestrel).</summary>
public sealed class EchoGatewayFixture : TokenGatewayFixture
{
    public EchoUpstream Upstream { get; private set; } = null!;

    protected override async Task<string> StartUpstreamAsync()
    {
        Upstream = await EchoUpstream.StartAsync();
        return Upstream.Url;
    }

    protected override ValueTask StopUpstreamAsync() => Upstream.DisposeAsync();
}

/// <summary>A real gateway in front of a <see cref="ScriptedUpstream"/> running <paramref name="script"/>.</summary>
/// <param name="script">Answers each request (see <see cref="ScriptedUpstream"/>).</param>
public abstract class ScriptedUpstreamGatewayFixture(Func<string, NetworkStream, int, Task<bool>> script) : TokenGatewayFixture
{
    public ScriptedUpstream Upstream { get; } = new(script);

    protected override Task<string> StartUpstreamAsync() => Task.FromResult(Upstream.Url);

    protected override ValueTask StopUpstreamAsync()
    {
        Upstream.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The HTTP/1.1 forwarder against a real Kestrel upstream: chunked bodies both ways, large bodies,
/// 100-continue, repeated fields, and keep-alive connection reuse.
/// </summary>
public sealed class ForwardingTests(EchoGatewayFixture fixture) : IClassFixture<EchoGatewayFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ChunkedResponse_OneMebibyte_ArrivesWholeAndInOrder()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?chunks=256&size=4096", fixture.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var block = EchoUpstream.Pattern(4096);
        Assert.Equal(256 * 4096, body.Length);
        for (var i = 0; i < 256; i++)
        {
            Assert.True(body.AsSpan(i * 4096, 4096).SequenceEqual(block), $"block {i} differs");
        }
    }

    [Fact]
    public async Task RequestBodyOfUnknownLength_GoesChunkedAndArrivesWhole()
    {
        var sent = EchoUpstream.Pattern(1 << 20);
        using var request = Api(HttpMethod.Post, "/timetravels/bookings", fixture.Token);
        request.Content = new UnknownLengthContent(sent, blockSize: 1000);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chunked", Field(response, "X-Request-Transfer-Encoding"));
        Assert.Equal("none", Field(response, "X-Request-Content-Length"));
        Assert.True((await response.Content.ReadAsByteArrayAsync()).AsSpan().SequenceEqual(sent));
    }

    [Fact]
    public async Task RequestBodyWithContentLength_KeepsItsLengthAndArrivesWhole()
    {
        var sent = EchoUpstream.Pattern(300_000);
        using var request = Api(HttpMethod.Post, "/timetravels/bookings", fixture.Token);
        request.Content = new ByteArrayContent(sent);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", Field(response, "X-Request-Transfer-Encoding"));
        Assert.Equal("300000", Field(response, "X-Request-Content-Length"));
        Assert.Equal(300_000, response.Content.Headers.ContentLength);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).AsSpan().SequenceEqual(sent));
    }

    [Fact]
    public async Task Expect100Continue_GatewayAnswersContinueThenForwardsTheBody()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        using var stream = new NetworkStream(socket);
        await ScriptedUpstream.SendAsync(stream,
            $"POST /timetravels/bookings HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {fixture.Token}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        var interim = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 100 Continue", interim, StringComparison.Ordinal);
        await ScriptedUpstream.SendAsync(stream, "hello");
        var final = await ReadHeadAsync(stream);

        Assert.StartsWith("HTTP/1.1 200", final, StringComparison.Ordinal);
        Assert.Contains("X-Request-Expect: none\r\n", final, StringComparison.OrdinalIgnoreCase); // the upstream saw no Expect
        var body = new byte[5];
        await stream.ReadExactlyAsync(body);
        Assert.Equal("hello", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public async Task SequentialRequests_ReuseOneUpstreamConnection()
    {
        var connections = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", fixture.Token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            connections.Add(Field(response, "X-Upstream-Connection"));
        }

        Assert.Single(connections);
    }

    [Fact]
    public async Task RepeatedResponseFields_AreAllForwarded()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?cookies=1", fixture.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a=1; Path=/", "b=2; Path=/"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task NonAsciiFieldValue_ReachesTheUpstreamAsTheClientSentIt()
    {
        // Kestrel decodes a non-ASCII field value as UTF-8; the gateway must encode it back the same way. HttpClient
        // refuses to send one, so the request is written by hand.
        const string Value = "café ☕ naïve";
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(
            $"GET /timetravels/bookings?field=X-Note HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {fixture.Token}\r\nX-Note: {Value}\r\nConnection: close\r\n\r\n"));

        using var all = new MemoryStream();
        await stream.CopyToAsync(all);
        var response = Encoding.UTF8.GetString(all.ToArray());

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + Value, response, StringComparison.Ordinal);
    }

    private static string Field(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = await ScriptedUpstream.ReadHeadAsync(stream);
        Assert.True(head is not null, "the gateway closed the connection before a whole head");
        return head;
    }

    /// <summary>A body HttpClient must send chunked: no length known up front, written in blocks.</summary>
    private sealed class UnknownLengthContent(byte[] bytes, int blockSize) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += blockSize)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(blockSize, bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>A real gateway in front of a <see cref="ScriptedUpstream"/> whose answer is chosen by the query's <c>case</c>.</summary>
public sealed class ScriptedGatewayFixture() : ScriptedUpstreamGatewayFixture(AnswerAsync)
{
    /// <summary>Completed when the gateway closed the connection of a "hang" request.</summary>
    public static TaskCompletionSource HangClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The chunked encoding the "many-chunks" case sends, and the body it decodes to.</summary>
    public static string ManyChunks(out string body)
    {
        var chunks = new StringBuilder();
        var decoded = new StringBuilder();
        for (var i = 0; decoded.Length < 60_000; i++)
        {
            var data = new string((char)('a' + (i % 26)), 1 + (i % 37));
            chunks.Append($"{data.Length:x}\r\n{data}\r\n");
            decoded.Append(data);
        }

        body = decoded.ToString();
        return chunks.ToString();
    }

    private static string BigFields(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"X-Big-{i}: {new string((char)('a' + (i % 26)), 1000)}\r\n"));

    // Returns whether the connection stays open for another request. Final responses say which connection served them (X-Connection).
    private static async Task<bool> AnswerAsync(string head, NetworkStream stream, int connection)
    {
        var ok = $"HTTP/1.1 200 OK\r\nX-Connection: {connection}\r\n";
        var target = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
        var scenario = target.Split("case=", 2) is [_, var rest] ? rest.Split(' ', '&')[0] : "ok";
        switch (scenario)
        {
            case "close-mid-body":
                await ScriptedUpstream.SendAsync(stream, ok + "Content-Length: 1000\r\n\r\nonly ten b");
                return false;
            case "until-close":
                await ScriptedUpstream.SendAsync(stream, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello until close");
                return false;
            case "malformed":
                await ScriptedUpstream.SendAsync(stream, "HTTP/1.1 2x0 Nope\r\n\r\n");
                return false;
            case "silently-closed":
                await ScriptedUpstream.SendAsync(stream, ok + "Content-Length: 2\r\n\r\nok");
                return false; // a keep-alive response, then the upstream closes the connection anyway
            case "hop-by-hop":
                await ScriptedUpstream.SendAsync(stream, ok + "Connection: X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\nX-End: 1\r\nContent-Length: 2\r\n\r\nok");
                return true;
            case "chunked-trailer":
                await ScriptedUpstream.SendAsync(stream, ok + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
                return true;
            case "length-and-chunked":
                await ScriptedUpstream.SendAsync(stream, ok + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
                return true;
            case "close-after":
                await ScriptedUpstream.SendAsync(stream, ok + "Connection: close\r\nContent-Length: 2\r\n\r\nok");
                return false; // the scripts do not read request bodies: never reuse a connection that carried one
            case "hang":
                // Never answers; completes HangClosed once the gateway closes the connection (reads return 0).
                var one = new byte[1];
                while (await stream.ReadAsync(one) > 0)
                {
                }

                HangClosed.TrySetResult();
                return false;
            case "trickle":
                // Every byte in its own write: heads, chunk lines and the trailer arrive split at every position.
                foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + ok
                    + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n"))
                {
                    await stream.WriteAsync(new[] { b });
                    await Task.Delay(1);
                }

                return true;
            case "big-head":
                // 48 fields of 1,000 bytes: the head outgrows the reader's first buffer (16 KiB) but not the 64 KiB limit.
                await ScriptedUpstream.SendAsync(stream, ok + BigFields(48) + "Content-Length: 2\r\n\r\nok");
                return true;
            case "huge-head":
                await ScriptedUpstream.SendAsync(stream, ok + BigFields(70) + "Content-Length: 2\r\n\r\nok");
                return false;
            case "many-chunks":
                // Chunks of 1 to 37 bytes, sent at once: chunk lines straddle every boundary of the reader's buffer.
                await ScriptedUpstream.SendAsync(stream, ok + "Transfer-Encoding: chunked\r\n\r\n" + ManyChunks(out _) + "0\r\n\r\n");
                return true;
            case "early-hints":
                await ScriptedUpstream.SendAsync(stream, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok");
                return true;
            default:
                await ScriptedUpstream.SendAsync(stream, ok + "Content-Length: 2\r\n\r\nok");
                return true;
        }
    }
}

/// <summary>
/// The HTTP/1.1 forwarder against upstreams that misbehave at the byte level: closing mid-response, closing kept-alive
/// connections, malformed heads, hop-by-hop fields, chunk extensions and trailers, smuggling-shaped framing.
/// </summary>
public sealed class UpstreamProtocolTests(ScriptedGatewayFixture fixture) : IClassFixture<ScriptedGatewayFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task UpstreamClosesMidBody_ClientSeesAnAbortedResponse_AndTheNextRequestIsServed()
    {
        // The status is out before the body breaks, so the gateway aborts the client connection; the reset may reach
        // the client before the head does, so the failure shows either on the request or on the body read.
        var failure = await Record.ExceptionAsync(async () =>
        {
            using var broken = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=close-mid-body", fixture.Token), HttpCompletionOption.ResponseHeadersRead);
            await broken.Content.ReadAsByteArrayAsync();
        });
        Assert.True(failure is HttpRequestException or IOException, $"expected an aborted response, got {failure?.GetType().Name ?? "a whole one"}");

        Assert.Equal("ok", await GetTextAsync("ok"));
        Assert.Contains("body failed", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyDelimitedByClose_ArrivesWhole()
    {
        Assert.Equal("hello until close", await GetTextAsync("until-close"));
    }

    [Fact]
    public async Task MalformedStatusLine_Returns502Json()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=malformed", fixture.Token));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("bad_gateway", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task UpstreamClosesAKeptAliveConnection_TheNextRequestIsRetriedOnANewOne()
    {
        var before = fixture.Upstream.Connections;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ok", await GetTextAsync("silently-closed"));
        }

        // Each request after the first found its pooled connection closed by the upstream and was sent again on a
        // fresh one (the first may have reused a connection the upstream kept).
        Assert.InRange(fixture.Upstream.Connections - before, 2, 3);
    }

    [Fact]
    public async Task RequestWithBody_IsNotSentOnAnIdleConnectionTheUpstreamClosed()
    {
        var (_, closed) = await GetAsync("silently-closed");
        await Task.Delay(200); // let the upstream's FIN reach the gateway's idle connection

        using var request = Api(HttpMethod.Post, "/timetravels/bookings?case=close-after", fixture.Token);
        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);

        // A body cannot be sent twice, so the gateway checks an idle connection before using it for one.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(closed, response.Headers.GetValues("X-Connection").Single());
    }

    [Fact]
    public async Task HopByHopResponseFields_AreDropped()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=hop-by-hop", fixture.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Hop"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("1", response.Headers.GetValues("X-End").Single());
    }

    [Fact]
    public Task ChunkExtensionsAndTrailers_AreDecoded_AndTheConnectionIsReused() =>
        AssertDecodedTwiceOnOneConnectionAsync("chunked-trailer", "hello world");

    [Fact]
    public async Task ContentLengthWithChunked_ChunkedWins_AndTheConnectionIsNotReused()
    {
        var (body, connection) = await GetAsync("length-and-chunked");
        var (_, next) = await GetAsync("ok");

        Assert.Equal("hello", body);
        Assert.NotEqual(connection, next); // RFC 9112 section 6.1: such a connection is closed after the response
    }

    [Fact]
    public async Task ClientGivesUpWhileUpstreamIsSilent_GatewayClosesTheUpstreamConnection()
    {
        // Proxy:Timeout is 100 s here: a prompt close can only come from the client's abort (seen by the heartbeat).
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=hang", fixture.Token), giveUp.Token));

        // A liveness bound, not a speed check: the heartbeat ticks every second.
        await ScriptedGatewayFixture.HangClosed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("ok", await GetTextAsync("ok")); // and the gateway goes on serving
    }

    [Fact]
    public Task ResponseArrivingOneByteAtATime_IsParsedWhole_AndTheConnectionIsReused() =>
        AssertDecodedTwiceOnOneConnectionAsync("trickle", "hello world");

    [Fact]
    public async Task HeadLargerThanTheReadBuffer_IsForwardedWhole()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=big-head", fixture.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        for (var i = 0; i < 48; i++)
        {
            Assert.Equal(new string((char)('a' + (i % 26)), 1000), response.Headers.GetValues($"X-Big-{i}").Single());
        }
    }

    [Fact]
    public async Task HeadOverTheLimit_Returns502Json_AndTheGatewayGoesOn()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=huge-head", fixture.Token));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("bad_gateway", (await ReadJsonAsync(response)).GetProperty("error").GetString());
        Assert.Equal("ok", await GetTextAsync("ok"));
    }

    [Fact]
    public Task ThousandsOfSmallChunks_DecodeWhole_AndTheConnectionIsReused()
    {
        ScriptedGatewayFixture.ManyChunks(out var expected);
        return AssertDecodedTwiceOnOneConnectionAsync("many-chunks", expected);
    }

    [Fact]
    public async Task InterimResponse_IsSkipped()
    {
        Assert.Equal("ok", await GetTextAsync("early-hints"));
    }

    // Two requests one after the other: both bodies decode to the expected text, and the one idle connection the
    // first left behind (so its framing was read exactly) carries the second.
    private async Task AssertDecodedTwiceOnOneConnectionAsync(string scenario, string expected)
    {
        var (first, firstConnection) = await GetAsync(scenario);
        var (second, secondConnection) = await GetAsync(scenario);

        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
        Assert.Equal(firstConnection, secondConnection);
    }

    private async Task<string> GetTextAsync(string scenario) => (await GetAsync(scenario)).Body;

    private async Task<(string Body, string Connection)> GetAsync(string scenario)
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, $"/timetravels/bookings?case={scenario}", fixture.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connection = response.Headers.TryGetValues("X-Connection", out var values) ? values.Single() : "";
        return (await response.Content.ReadAsStringAsync(), connection);
    }
}
