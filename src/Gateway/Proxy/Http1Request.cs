using System.Buffers;
using System.Buffers.Text;
using System.Collections.Frozen;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Proxy;

/// <summary>
/// Writes the forwarded HTTP/1.1 request (RFC 9112 sections 3 and 5) straight into an upstream connection's
/// pipe: request line, the client's end-to-end fields, the gateway's own fields; then the body, re-framed.
/// </summary>
internal static class Http1Request
{
    /// <summary>Hop-by-hop fields (RFC 9110 section 7.6.1), never forwarded in either direction.</summary>
    public static readonly FrozenSet<string> HopByHop = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade", "Trailer",
        "Proxy-Authenticate", "Proxy-Authorization");

    // Fields the gateway sets or answers itself: whatever the client sent under these names must not reach the upstream.
    // Expect: Kestrel answers "100 Continue" itself when the body is first read (RFC 9110 section 10.1.1).
    private static readonly FrozenSet<string> GatewayOwned = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Host", "Authorization", "Expect", "X-Client-Id", "X-Owner", "X-Scope",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded");

    // RFC 3986 pchar plus '/': a decoded path made only of these is already its own encoding. '%' is left out so
    // anything that could read as an escape goes through PathString's encoder.
    private static readonly SearchValues<char> PlainPathChars =
        SearchValues.Create("/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@");

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>Writes the request line and header section (not flushed).</summary>
    /// <param name="writer">The upstream connection's writer.</param>
    /// <param name="context">The client's request.</param>
    /// <param name="upstream">Destination: <c>Host</c> value and path prefix.</param>
    /// <param name="path">The request path as Kestrel decoded it.</param>
    /// <param name="basePathLength">Length of the API's base path at the start of <paramref name="path"/>, replaced by the upstream's path.</param>
    /// <param name="basePath">The API's base path, sent as <c>X-Forwarded-Prefix</c>.</param>
    /// <param name="identity">Identity fields to add.</param>
    /// <param name="chunked">Whether the body goes chunked (a body of unknown length); else any body has a Content-Length.</param>
    public static void WriteHead(PipeWriter writer, HttpContext context, Upstream upstream, string path, int basePathLength, string basePath, in ForwardedIdentity identity, bool chunked)
    {
        var request = context.Request;
        WriteAscii(writer, request.Method);
        writer.Write(" "u8);
        writer.Write(upstream.PathPrefix);
        WritePath(writer, path.AsSpan(basePathLength));
        if (request.QueryString.Value is { Length: > 0 } query)
        {
            WriteText(writer, query);
        }

        writer.Write(" HTTP/1.1\r\nHost: "u8);
        writer.Write(upstream.HostHeader);
        writer.Write(CrLf);

        var connectionOptions = request.Headers.Connection;
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name) || GatewayOwned.Contains(name) || (connectionOptions.Count != 0 && IsConnectionOption(connectionOptions, name)))
            {
                continue;
            }

            foreach (var value in values)
            {
                WriteField(writer, name, value);
            }
        }

        if (chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        WriteField(writer, "X-Client-Id", identity.ClientId);
        if (identity.Owner is not null)
        {
            WriteField(writer, "X-Owner", identity.Owner);
        }

        WriteField(writer, "X-Scope", identity.Scope);
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            writer.Write("X-Forwarded-For: "u8);
            var span = writer.GetSpan(64); // longest IPv6 text with scope id is under 64 bytes
            if (!remote.TryFormat(span, out var written))
            {
                throw new InvalidOperationException("An IP address did not fit 64 bytes.");
            }

            writer.Advance(written);
            writer.Write(CrLf);
        }

        WriteField(writer, "X-Forwarded-Proto", request.Scheme);
        if (request.Host.HasValue)
        {
            WriteField(writer, "X-Forwarded-Host", request.Host.Value);
        }

        WriteField(writer, "X-Forwarded-Prefix", basePath);
        writer.Write(CrLf);
    }

    /// <summary>
    /// Copies the client's request body to the upstream: as is after a Content-Length, else as chunks
    /// (RFC 9112 section 7.1) ending with the last chunk. Flushes as it goes (streamed, never buffered whole).
    /// </summary>
    /// <exception cref="Microsoft.AspNetCore.Http.BadHttpRequestException">The client's body broke Kestrel's framing or size limit.</exception>
    /// <exception cref="IOException">The upstream connection failed.</exception>
    public static async ValueTask CopyBodyAsync(PipeReader body, PipeWriter writer, bool chunked, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                if (chunked)
                {
                    var span = writer.GetSpan(18);
                    Utf8Formatter.TryFormat((ulong)buffer.Length, span, out var written, new StandardFormat('X'));
                    "\r\n"u8.CopyTo(span[written..]);
                    writer.Advance(written + 2);
                }

                foreach (var segment in buffer)
                {
                    writer.Write(segment.Span);
                }

                if (chunked)
                {
                    writer.Write(CrLf);
                }
            }

            body.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                break;
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (chunked)
        {
            writer.Write("0\r\n\r\n"u8);
        }
    }

    /// <summary>Whether <paramref name="name"/> is listed in a Connection field (and so hop-by-hop, RFC 9110 section 7.6.1).</summary>
    public static bool IsConnectionOption(StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan(range).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void WritePath(PipeWriter writer, ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty)
        {
            writer.Write("/"u8);
        }
        else if (!rest.ContainsAnyExcept(PlainPathChars))
        {
            WriteAscii(writer, rest);
        }
        else
        {
            // Rare: spaces, non-ASCII, '%'... PathString encodes them as the old HttpClient path did.
            WriteAscii(writer, new PathString(rest.ToString()).ToUriComponent());
        }
    }

    private static void WriteField(PipeWriter writer, string name, string? value)
    {
        WriteAscii(writer, name);
        writer.Write(": "u8);
        WriteText(writer, value);
        writer.Write(CrLf);
    }

    private static void WriteAscii(PipeWriter writer, ReadOnlySpan<char> text)
    {
        var span = writer.GetSpan(text.Length);
        writer.Advance(Encoding.ASCII.GetBytes(text, span));
    }

    // Kestrel decodes request field values as UTF-8 when they are not ASCII: encode them back the same way.
    private static void WriteText(PipeWriter writer, ReadOnlySpan<char> text)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
