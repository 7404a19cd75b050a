using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>What the <see cref="RecordingUpstream"/> writes for one request.</summary>
/// <param name="Bytes">Written at once (after <paramref name="Delay"/>); may be empty.</param>
/// <param name="Delay">Wait before writing <paramref name="Bytes"/>.</param>
/// <param name="Close">Close the connection after <paramref name="Bytes"/> (without reading further requests).</param>
/// <param name="Later">Written <paramref name="LaterDelay"/> after <paramref name="Bytes"/>, while the connection keeps reading.</param>
/// <param name="LaterDelay">Wait before <paramref name="Later"/>.</param>
/// <param name="CloseAfterLater">Close the connection once <paramref name="Later"/> is written.</param>
public sealed record UpstreamReply(byte[] Bytes, TimeSpan Delay = default, bool Close = false, byte[]? Later = null, TimeSpan LaterDelay = default, bool CloseAfterLater = false)
{
    /// <summary>200 with Content-Length and <see cref="RecordingUpstream.DefaultAnswerBody"/>.</summary>
    public static UpstreamReply Default(RecordedRequest request) => new(Ok(RecordingUpstream.DefaultAnswerBody(request)));

    /// <summary>Raw Latin-1 text as bytes.</summary>
    public static byte[] Text(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>A well-formed 200 response with Content-Length.</summary>
    public static byte[] Ok(string body, bool close = false) =>
        Text($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.Latin1.GetByteCount(body)}\r\n{(close ? "Connection: close\r\n" : "")}\r\n{body}");

    /// <summary>Close the connection without answering.</summary>
    public static UpstreamReply CloseWithoutAnswer { get; } = new([], Close: true);
}
