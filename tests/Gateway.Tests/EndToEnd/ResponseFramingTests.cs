using System.Net;
using System.Net.Sockets;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>A real gateway in front of a <see cref="ScriptedUpstream"/> whose responses bend the framing rules; chosen by the query's <c>case</c>.</summary>
public sealed class FramingGatewayFixture() : ScriptedUpstreamGatewayFixture(AnswerAsync)
{
    // Every response says which upstream connection carried it (X-Connection); every script keeps its connection
    // open, so only the gateway decides whether it is reused.
    private static async Task<bool> AnswerAsync(string head, NetworkStream stream, int connection)
    {
        var tag = $"X-Connection: {connection}\r\n";
        var target = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
        var scenario = target.Split("case=", 2) is [_, var rest] ? rest.Split(' ', '&')[0] : "ok";
        var response = scenario switch
        {
            "no-content" => "HTTP/1.1 204 No Content\r\n" + tag + "\r\n",
            "no-content-with-length" => "HTTP/1.1 204 No Content\r\n" + tag + "Content-Length: 5\r\n\r\n",
            "not-modified" => "HTTP/1.1 304 Not Modified\r\n" + tag + "ETag: \"v1\"\r\n\r\n",
            "not-modified-with-length" => "HTTP/1.1 304 Not Modified\r\n" + tag + "ETag: \"v1\"\r\nContent-Length: 100\r\n\r\n",
            "http10-keep-alive" => "HTTP/1.0 200 OK\r\n" + tag + "Connection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
            "signed-length" => "HTTP/1.1 200 OK\r\n" + tag + "Content-Length: +2\r\n\r\nok",
            "length-list" => "HTTP/1.1 200 OK\r\n" + tag + "Content-Length: 2, 2\r\n\r\nok",
            "obs-fold" => "HTTP/1.1 200 OK\r\n" + tag + "X-A: 1\r\n folded\r\nContent-Length: 2\r\n\r\nok",
            "endless-interim" => string.Concat(Enumerable.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", 50))
                + "HTTP/1.1 200 OK\r\n" + tag + "Content-Length: 2\r\n\r\nok",
            "switching" => "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            _ => "HTTP/1.1 200 OK\r\n" + tag + "Content-Length: 2\r\n\r\nok",
        };
        await ScriptedUpstream.SendAsync(stream, response);
        return true;
    }
}

/// <summary>
/// Responses whose framing the gateway must not trust for the next exchange (RFC 9112 section 6.3, RFC 9110 section
/// 8.6): the client gets a well-formed answer, and the next request goes out on a fresh upstream connection.
/// </summary>
public sealed class ResponseFramingTests(FramingGatewayFixture fixture) : IClassFixture<FramingGatewayFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task NoContentWithContentLength_ClientGets204WithoutLength_AndTheConnectionIsNotReused()
    {
        // Kestrel refuses Content-Length on a 204 (RFC 9110 section 8.6): forwarding it made a 500.
        var (status, connection, hasLength, _) = await SendAsync("no-content-with-length");
        var (_, next, _, _) = await SendAsync("ok");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.False(hasLength);
        Assert.NotEqual(connection, next); // the 5 announced bytes might follow: the framing is not trusted
    }

    [Fact]
    public async Task NoContent_ConnectionIsReused()
    {
        var (status, connection, _, _) = await SendAsync("no-content");
        var (_, next, _, _) = await SendAsync("ok");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(connection, next);
    }

    [Fact]
    public async Task NotModifiedWithContentLength_ClientGets304WithTheLength_AndTheConnectionIsNotReused()
    {
        // RFC 9110 section 8.6 lets a 304 carry the length a 200 would have, and Kestrel sends it on.
        var (status, connection, hasLength, length) = await SendAsync("not-modified-with-length");
        var (_, next, _, _) = await SendAsync("ok");

        Assert.Equal(HttpStatusCode.NotModified, status);
        Assert.True(hasLength);
        Assert.Equal(100, length);
        Assert.NotEqual(connection, next);
    }

    [Fact]
    public async Task NotModified_ConnectionIsReused()
    {
        var (status, connection, _, _) = await SendAsync("not-modified");
        var (_, next, _, _) = await SendAsync("ok");

        Assert.Equal(HttpStatusCode.NotModified, status);
        Assert.Equal(connection, next);
    }

    [Fact]
    public async Task Http10WithKeepAlive_IsForwarded_AndTheConnectionIsNotReused()
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings?case=http10-keep-alive", fixture.Token));
        var connection = response.Headers.GetValues("X-Connection").Single();
        var (_, next, _, _) = await SendAsync("ok");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.NotEqual(connection, next);
    }

    [Theory]
    [InlineData("signed-length")]
    [InlineData("length-list")]
    [InlineData("obs-fold")]
    [InlineData("endless-interim")]
    [InlineData("switching")]
    public async Task UntrustworthyHead_Returns502Json_AndTheGatewayGoesOn(string scenario)
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, $"/timetravels/bookings?case={scenario}", fixture.Token));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("bad_gateway", (await ReadJsonAsync(response)).GetProperty("error").GetString());
        Assert.False(response.Headers.Contains("X-Connection")); // nothing of the refused head leaks into the error
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("ok")).Status);
    }

    private async Task<(HttpStatusCode Status, string Connection, bool HasLength, long? Length)> SendAsync(string scenario)
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, $"/timetravels/bookings?case={scenario}", fixture.Token));
        var connection = response.Headers.TryGetValues("X-Connection", out var values) ? values.Single() : "";
        // Contains first: reading ContentLength computes one for a body without it.
        var hasLength = response.Content.Headers.Contains("Content-Length");
        var length = hasLength ? response.Content.Headers.ContentLength : null;
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, connection, hasLength, length);
    }
}
