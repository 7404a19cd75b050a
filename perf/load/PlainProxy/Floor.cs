using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

/// <summary>
/// Scenario (f) of perf/load/run, <c>--Floor=true</c>: the least any gateway on ASP.NET Core's host can do per
/// request, to bound what FastGateway can reach, not a proxy. Same host and transport settings as FastGateway
/// (slim builder, requests on the socket threads); per request it sends only the request line and Host to a pooled
/// raw socket, reads a response with a Content-Length, and answers its status, Content-Type and body. No token
/// check, no field forwarding, no error handling but a retry when the upstream closed an idle connection: a GET the
/// upstream answers with a Content-Length is all it serves.
/// </summary>
internal static class Floor
{
    private const int BufferBytes = 16384;

    /// <summary>FastGateway's defaults (GatewayApp, appsettings.json): inline scheduling, two socket threads per
    /// core, no hosting Activity per request.</summary>
    public static void Configure(WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", (2 * Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
    }

    /// <summary>The request handler; <paramref name="upstream"/> is <c>http://IP:port</c>.</summary>
    public static RequestDelegate Forwarder(Uri upstream)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        var hostLine = Encoding.ASCII.GetBytes($" HTTP/1.1\r\nHost: {upstream.Authority}\r\n\r\n");
        var idle = new ConcurrentQueue<Socket>();
        var contentType = new StrongBox<string>("");
        return async context =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            try
            {
                while (true)
                {
                    var reused = idle.TryDequeue(out var socket);
                    if (socket is null)
                    {
                        socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        await socket.ConnectAsync(endpoint);
                    }

                    var answered = false;
                    try
                    {
                        answered = await ExchangeAsync(socket, context, buffer, hostLine, contentType);
                    }
                    catch (SocketException) when (reused)
                    {
                    }

                    if (answered)
                    {
                        idle.Enqueue(socket);
                        return;
                    }

                    // The upstream closed a kept-alive connection (its idle timeout): retry once on a new one.
                    socket.Dispose();
                    if (!reused)
                    {
                        throw new IOException("the upstream closed the connection without answering");
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        };
    }

    // One exchange on one connection; false when the upstream closed it before answering.
    private static async Task<bool> ExchangeAsync(Socket socket, HttpContext context, byte[] buffer, byte[] hostLine, StrongBox<string> contentType)
    {
        var request = context.Request;
        var length = Encoding.ASCII.GetBytes(request.Method, buffer);
        buffer[length++] = (byte)' ';
        length += Encoding.ASCII.GetBytes(request.Path.Value, buffer.AsSpan(length));
        length += Encoding.ASCII.GetBytes(request.QueryString.Value ?? "", buffer.AsSpan(length));
        hostLine.CopyTo(buffer.AsSpan(length));
        await socket.SendAsync(buffer.AsMemory(0, length + hostLine.Length));

        var read = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                return read == 0 ? false : throw new IOException("the upstream closed the connection mid-response");
            }

            read += n;
            if (!TryAnswer(buffer.AsSpan(0, read), context.Response, contentType, out var body))
            {
                continue;
            }

            await context.Response.Body.WriteAsync(buffer.AsMemory(body));
            return true;
        }
    }

    // Once the whole response is read: sets status, Content-Type and Content-Length, and gives the body's range.
    private static bool TryAnswer(ReadOnlySpan<byte> read, HttpResponse response, StrongBox<string> contentType, out Range body)
    {
        body = default;
        var end = read.IndexOf("\r\n\r\n"u8);
        if (end < 0 || !TryField(read[..end], "\r\nContent-Length: "u8, out var lengthText)
            || !Utf8Parser.TryParse(lengthText, out int bodyLength, out _) || read.Length < end + 4 + bodyLength)
        {
            return false;
        }

        if (!Utf8Parser.TryParse(read.Slice(9, 3), out int status, out _))
        {
            throw new IOException("malformed status line");
        }

        response.StatusCode = status;
        if (TryField(read[..end], "\r\nContent-Type: "u8, out var type))
        {
            if (!Ascii.Equals(type, contentType.Value))
            {
                contentType.Value = Encoding.ASCII.GetString(type); // kept: the same type every time costs no string
            }

            response.ContentType = contentType.Value;
        }

        response.ContentLength = bodyLength;
        body = new Range(end + 4, end + 4 + bodyLength);
        return true;
    }

    private static bool TryField(ReadOnlySpan<byte> head, ReadOnlySpan<byte> prefix, out ReadOnlySpan<byte> value)
    {
        var start = head.IndexOf(prefix);
        if (start < 0)
        {
            value = default;
            return false;
        }

        value = head[(start + prefix.Length)..];
        var end = value.IndexOf("\r\n"u8);
        value = end < 0 ? value : value[..end];
        return true;
    }
}
