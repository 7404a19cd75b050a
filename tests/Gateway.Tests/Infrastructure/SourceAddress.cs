using System.Net;
using System.Net.Sockets;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// HTTP clients that connect from a chosen loopback address (Linux routes all of 127.0.0.0/8 to lo), so the gateway
/// sees different remote addresses, as it would from different hosts: per-address limits can be tested apart.
/// </summary>
public static class SourceAddress
{
    /// <summary>A client whose connections come from <paramref name="source"/> (e.g. <c>127.0.0.12</c>).</summary>
    /// <param name="baseAddress">The gateway.</param>
    /// <param name="source">The local address to bind.</param>
    /// <param name="browser">Keep cookies (antiforgery) and do not follow redirects, as <see cref="AuthorizeFlow.CreateBrowser"/>.</param>
    public static HttpClient Client(Uri baseAddress, string source, bool browser = false)
    {
        var local = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = !browser,
            UseCookies = browser,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }
}
