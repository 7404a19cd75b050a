using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace FastGateway.Proxy;

/// <summary>The upstream's response broke HTTP/1.1 (RFC 9112), or ended before it was whole.</summary>
/// <param name="error">Why; see <see cref="UpstreamProtocolError"/>.</param>
internal sealed class UpstreamProtocolException(UpstreamProtocolError error) : Exception(Describe(error))
{
    /// <summary>Why the response was refused.</summary>
    public UpstreamProtocolError Error { get; } = error;

    /// <summary>Throws an <see cref="UpstreamProtocolException"/> for <paramref name="error"/>. Out of line, so the
    /// parsers' hot loops carry a call instead of the exception's construction.</summary>
    /// <exception cref="UpstreamProtocolException">Always.</exception>
    [DoesNotReturn]
    [StackTraceHidden]
    public static void Throw(UpstreamProtocolError error) => throw new UpstreamProtocolException(error);

    /// <summary><see cref="Throw(UpstreamProtocolError)"/> for expression positions; never returns.</summary>
    /// <exception cref="UpstreamProtocolException">Always.</exception>
    [DoesNotReturn]
    [StackTraceHidden]
    public static T Throw<T>(UpstreamProtocolError error) => throw new UpstreamProtocolException(error);

    // Constant strings: a log line reads as a sentence, and no message is built per failure.
    private static string Describe(UpstreamProtocolError error) => error switch
    {
        UpstreamProtocolError.ClosedBeforeResponse => "the upstream closed the connection without answering",
        UpstreamProtocolError.ClosedMidHead => "the upstream closed the connection mid-head",
        UpstreamProtocolError.HeadTooLarge => "response head over the size limit",
        UpstreamProtocolError.MalformedStatusLine => "malformed status line",
        UpstreamProtocolError.UnexpectedSwitchingProtocols => "101 Switching Protocols without an upgrade request",
        UpstreamProtocolError.TooManyInterimResponses => "too many interim (1xx) responses",
        UpstreamProtocolError.ObsoleteLineFolding => "obsolete line folding in a header field",
        UpstreamProtocolError.MalformedField => "malformed header field",
        UpstreamProtocolError.InvalidFieldValue => "control character in a header field value",
        UpstreamProtocolError.BareCarriageReturn => "bare CR in the response",
        UpstreamProtocolError.InvalidContentLength => "invalid Content-Length",
        UpstreamProtocolError.MultipleContentLength => "more than one Content-Length",
        UpstreamProtocolError.InvalidTransferEncoding => "invalid Transfer-Encoding",
        UpstreamProtocolError.ClosedMidBody => "the upstream closed the connection before the body ended",
        UpstreamProtocolError.MalformedChunkSize => "malformed chunk size",
        UpstreamProtocolError.ChunkSizeOverflow => "chunk size too large",
        UpstreamProtocolError.MalformedChunkLine => "malformed chunk line",
        UpstreamProtocolError.MissingChunkDataTerminator => "chunk data not followed by CRLF",
        UpstreamProtocolError.TrailerTooLarge => "chunked trailer section over the size limit",
        _ => "the upstream broke HTTP/1.1",
    };
}
