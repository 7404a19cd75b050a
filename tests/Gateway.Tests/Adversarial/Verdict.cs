using System.Text;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Adversarial;

/// <summary>The judgments the adversarial cases share: by the bytes the upstream received and what the client got.</summary>
internal static class Verdict
{
    /// <summary>Lets bytes still in flight to the upstream arrive before judging.</summary>
    public static Task SettleAsync() => Task.Delay(250);

    /// <summary>The upstream received nothing at all since its last reset.</summary>
    public static void NothingUpstream(RecordingUpstream upstream, string context) =>
        Assert.True(upstream.BytesReceived == 0 && upstream.Requests.Count == 0,
            $"{context}: the upstream received {upstream.BytesReceived} bytes, {upstream.Requests.Count} parsed requests:\n{upstream.Transcript}");

    /// <summary>A 4xx (505 accepted for an unsupported HTTP version) and nothing upstream.</summary>
    public static void Refused(RawResponse? response, RecordingUpstream upstream, string context)
    {
        Assert.True(response is not null && (response.Status is >= 400 and < 500 || response.Status == 505),
            $"{context}: expected a refusal (4xx), got {(response is null ? "a closed connection without response" : response.ToString())}\nupstream:\n{upstream.Transcript}");
        NothingUpstream(upstream, context);
    }

    /// <summary>The gateway's own JSON refusal with this status (and error code, if given), nothing upstream.</summary>
    public static void RefusedJson(RawResponse? response, int status, string? error, RecordingUpstream upstream, string context)
    {
        Assert.True(response is not null && response.Status == status && response.JsonError is { } code && (error is null || code == error),
            $"{context}: expected {status} with a JSON {{error: {error ?? "..."}, error_description}} body, got {(response is null ? "a closed connection" : response.ToString())}\nupstream:\n{upstream.Transcript}");
        NothingUpstream(upstream, context);
    }

    /// <summary>
    /// The client got 200 with its own answer, and the upstream parsed exactly one request, well-formed, with the
    /// expected framing, target and body.
    /// </summary>
    public static RecordedRequest ForwardedOnce(RawResponse? response, RecordingUpstream upstream, string id, string expectedTarget, string? expectedBody, Framing framing, string context)
    {
        Assert.True(response is not null && response.Status == 200 && response.BodyText.Contains($"id={id};", StringComparison.Ordinal),
            $"{context}: expected 200 with this request's own answer (id={id}), got {(response is null ? "a closed connection" : response.ToString())}\nupstream:\n{upstream.Transcript}");
        var requests = upstream.Requests;
        Assert.True(requests.Count == 1 && upstream.Connections.All(c => c.ParseError is null),
            $"{context}: the upstream parsed {requests.Count} requests (one expected):\n{upstream.Transcript}");
        var request = requests[0];
        WellFormed(request, upstream, context);
        Assert.True(request.Target == expectedTarget, $"{context}: upstream target '{RecordingUpstream.Escape(request.Target)}', expected '{expectedTarget}'");
        Assert.True(expectedBody is null ? request.Body.Length == 0 : request.BodyText == expectedBody,
            $"{context}: upstream body '{RecordingUpstream.Escape(request.BodyText)}', expected '{RecordingUpstream.Escape(expectedBody ?? "")}'");
        FramedAs(request, framing, context);
        return request;
    }

    /// <summary>Either a refusal with nothing upstream, or <see cref="ForwardedOnce"/>, as <paramref name="expect"/> allows.</summary>
    public static void Judge(Expect expect, RawResponse? response, RecordingUpstream upstream, string id, string expectedTarget, string? expectedBody, Framing framing, string context)
    {
        var refused = response is not null && (response.Status is >= 400 and < 500 || response.Status == 505);
        if (expect == Expect.Refuse || (expect == Expect.Either && refused))
        {
            Refused(response, upstream, context);
        }
        else
        {
            ForwardedOnce(response, upstream, id, expectedTarget, expectedBody, framing, context);
        }
    }

    /// <summary>
    /// The request head is one a strict HTTP/1.1 parser accepts and reads the same way as a lenient one: CRLF line
    /// ends only, no control bytes, a token method, an origin-form target without spaces or control or non-ASCII
    /// bytes, HTTP/1.1, token field names, no folded lines, one Host.
    /// </summary>
    public static void WellFormed(RecordedRequest request, RecordingUpstream upstream, string context)
    {
        var head = request.RawHead;
        for (var i = 0; i < head.Length; i++)
        {
            var b = head[i];
            var ok = b switch
            {
                (byte)'\r' => i + 1 < head.Length && head[i + 1] == '\n',
                (byte)'\n' => i > 0 && head[i - 1] == '\r',
                (byte)'\t' => true,
                < 0x20 or 0x7f => false,
                _ => true,
            };
            Assert.True(ok, $"{context}: byte 0x{b:x2} at {i} of the upstream head is not allowed there:\n{request}");
        }

        var line = request.RawLines[0];
        var parts = line.Split(' ');
        Assert.True(parts.Length == 3 && IsToken(parts[0]) && parts[1].StartsWith('/') && parts[1].All(c => c > 0x20 && c < 0x7f) && parts[2] == "HTTP/1.1",
            $"{context}: malformed upstream request line '{RecordingUpstream.Escape(line)}'");
        foreach (var field in request.RawLines.Skip(1))
        {
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0 && IsToken(field[..colon]), $"{context}: malformed upstream field line '{RecordingUpstream.Escape(field)}'\n{request}");
        }

        Assert.True(request.Values("Host").Count == 1 && request.Field("Host") == new Uri(upstream.Url).Authority,
            $"{context}: the upstream must see exactly one Host, its own:\n{request}");
    }

    /// <summary>The framing fields are exactly what <paramref name="framing"/> says and agree with the body.</summary>
    public static void FramedAs(RecordedRequest request, Framing framing, string context)
    {
        var lengths = request.Fields.Where(f => RecordedRequest.Normalize(f.Key) == "CONTENT-LENGTH").ToList();
        var codings = request.Fields.Where(f => RecordedRequest.Normalize(f.Key) == "TRANSFER-ENCODING").ToList();
        var length = request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ok = framing switch
        {
            Framing.None => lengths.Count == 0 && codings.Count == 0,
            Framing.ContentLength => lengths.Count == 1 && codings.Count == 0 && lengths[0].Value == length,
            _ => (lengths.Count == 1 && codings.Count == 0 && lengths[0].Value == length)
                || (lengths.Count == 0 && codings.Count == 1 && codings[0].Value == "chunked"),
        };
        Assert.True(ok, $"{context}: expected framing {framing} for a {request.Body.Length}-byte body, the upstream head has {lengths.Count} Content-Length and {codings.Count} Transfer-Encoding:\n{request}");
    }

    /// <summary>New log lines since <paramref name="before"/> (an earlier length of the output) hold no upstream failure.</summary>
    public static void NoUpstreamFailureLogged(GatewayProcess gateway, int before, string context)
    {
        var output = gateway.Output;
        var since = output.Length > before ? output[before..] : "";
        Assert.False(since.Contains("Upstream of API", StringComparison.Ordinal), $"{context}: a client error was logged as an upstream failure:\n{since}");
    }

    public static bool IsToken(string text) =>
        text.Length > 0 && text.All(c => c < 0x7f && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)));

    /// <summary>Latin-1 bytes of a string, for bodies.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);
}
