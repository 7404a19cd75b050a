using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// A real Kestrel upstream for forwarding tests. Every request is answered with its own body echoed back and,
/// as response fields, what it saw: <c>X-Upstream-Connection</c> (Kestrel's connection id),
/// <c>X-Request-Transfer-Encoding</c>, <c>X-Request-Content-Length</c>, <c>X-Request-Expect</c> (<c>none</c> when absent).
/// Query <c>chunks=N&amp;size=S</c> answers N flushed writes of S bytes without a Content-Length (chunked);
/// <c>cookies=1</c> adds two Set-Cookie fields; <c>field=Name</c> answers that request field's value as UTF-8 text.
/// </summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL, no trailing '/'.</summary>
    public string Url { get; }

    public static async Task<EchoUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Run(async context =>
        {
            var request = context.Request;
            var response = context.Response;
            response.Headers["X-Upstream-Connection"] = context.Connection.Id;
            response.Headers["X-Request-Transfer-Encoding"] = OrNone(request.Headers.TransferEncoding);
            response.Headers["X-Request-Content-Length"] = OrNone(request.Headers["Content-Length"]);
            response.Headers["X-Request-Expect"] = OrNone(request.Headers.Expect);
            if (request.Query["cookies"] == "1")
            {
                response.Headers.Append("Set-Cookie", "a=1; Path=/");
                response.Headers.Append("Set-Cookie", "b=2; Path=/");
            }

            if (request.Query["field"] is { Count: 1 } field)
            {
                var text = Encoding.UTF8.GetBytes(request.Headers[field.ToString()].ToString());
                response.ContentLength = text.Length;
                await response.Body.WriteAsync(text);
                return;
            }

            if (int.TryParse(request.Query["chunks"], out var chunks) && int.TryParse(request.Query["size"], out var size))
            {
                var block = Pattern(size);
                for (var i = 0; i < chunks; i++)
                {
                    await response.Body.WriteAsync(block);
                    await response.Body.FlushAsync();
                }

                return;
            }

            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            response.ContentType = "application/octet-stream";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EchoUpstream(app, address.TrimEnd('/'));
    }

    private static string OrNone(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? "none" : values.ToString();

    /// <summary>S deterministic bytes (i mod 251), so a reordered or dropped block shows.</summary>
    public static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// A raw-socket upstream that answers each request with exactly the bytes a script gives, to show how the
/// gateway copes with what Kestrel would never send. The script gets the request head (text up to the empty
/// line), the connection's stream and its number (1, 2, ... in accept order); it returns whether to keep the
/// connection open for another request.
/// </summary>
public sealed class ScriptedUpstream : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, NetworkStream, int, Task<bool>> _script;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public ScriptedUpstream(Func<string, NetworkStream, int, Task<bool>> script)
    {
        _script = script;
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptLoopAsync();
    }

    /// <summary>Base URL, no trailing '/'.</summary>
    public string Url { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Writes ASCII text to the stream.</summary>
    public static Task SendAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket, Interlocked.Increment(ref _connections));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (await ReadHeadAsync(stream) is { } head && await _script(head, stream, number))
            {
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>An HTTP/1.1 head (request or response), byte by byte up to CRLF CRLF, so no body byte is consumed; null at end of stream.</summary>
    public static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
