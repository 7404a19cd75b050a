using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP/2 client (RFC 9113) of its own, so any bytes can go in field names, values and pseudo-headers:
/// TLS with ALPN "h2" (the test's own certificate trusted), the connection preface, SETTINGS and its ACK, a HEADERS frame
/// whose block uses only HPACK "literal header field without indexing, new name" with raw (non-Huffman) strings,
/// optional DATA frames; then it reads frames until the stream's response ends, is reset, or the connection goes away.
/// The response block is decoded by <see cref="HpackDecoder"/> (static and dynamic tables; Huffman-coded values are
/// decoded for the characters a :status uses and otherwise reported as "&lt;huffman&gt;").
/// </summary>
public sealed class Http2FrameClient : IAsyncDisposable
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;

    private readonly Socket _socket;
    private readonly SslStream _tls;
    private readonly HpackDecoder _decoder = new();
    private int _nextStream = 1;

    private Http2FrameClient(Socket socket, SslStream tls)
    {
        _socket = socket;
        _tls = tls;
    }

    /// <summary>The protocol ALPN settled on.</summary>
    public string NegotiatedProtocol => _tls.NegotiatedApplicationProtocol.ToString();

    /// <summary>Connects with TLS and ALPN h2 (trusting exactly the certificate with <paramref name="thumbprint"/>), sends the preface and an empty SETTINGS frame.</summary>
    public static async Task<Http2FrameClient> ConnectAsync(Uri httpsAddress, string thumbprint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(httpsAddress.Host, httpsAddress.Port);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = httpsAddress.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint,
        });
        var client = new Http2FrameClient(socket, tls);
        if (tls.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
        {
            throw new InvalidOperationException($"ALPN chose '{tls.NegotiatedApplicationProtocol}', not h2");
        }

        await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await client.WriteFrameAsync(Settings, 0, 0, []);
        return client;
    }

    /// <summary>HPACK-encodes fields as literal without indexing, new name, raw strings (any bytes, Latin-1 text).</summary>
    public static byte[] EncodeBlock(IEnumerable<(string Name, string Value)> fields)
    {
        var block = new List<byte>();
        foreach (var (name, value) in fields)
        {
            block.Add(0x00);
            WriteString(block, Encoding.Latin1.GetBytes(name));
            WriteString(block, Encoding.Latin1.GetBytes(value));
        }

        return [.. block];
    }

    /// <summary>
    /// Sends a request on a new stream: one HEADERS frame (END_HEADERS; END_STREAM when no data) then the DATA frames,
    /// the last with END_STREAM; then reads until the stream's response is complete, reset, or the connection ends.
    /// </summary>
    public async Task<Http2Result> SendAsync(IEnumerable<(string Name, string Value)> fields, IReadOnlyList<byte[]>? data = null, TimeSpan? timeout = null)
    {
        var stream = _nextStream;
        _nextStream += 2;
        var hasData = data is { Count: > 0 };
        try
        {
            await WriteFrameAsync(Headers, (byte)(EndHeaders | (hasData ? 0 : EndStream)), stream, EncodeBlock(fields));
            if (hasData)
            {
                for (var i = 0; i < data!.Count; i++)
                {
                    await WriteFrameAsync(Data, (byte)(i == data.Count - 1 ? EndStream : 0), stream, data[i]);
                }
            }
        }
        catch (IOException)
        {
            // The server may already have reset or closed; the read tells what happened.
        }

        return await ReadResponseAsync(stream, timeout ?? TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _tls.DisposeAsync();
        }
        catch (IOException)
        {
        }

        _socket.Dispose();
    }

    private static void WriteString(List<byte> block, byte[] bytes)
    {
        WriteInteger(block, 0x00, 7, bytes.Length);
        block.AddRange(bytes);
    }

    // RFC 7541 section 5.1.
    private static void WriteInteger(List<byte> block, byte flags, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(flags | value));
            return;
        }

        block.Add((byte)(flags | max));
        value -= max;
        while (value >= 128)
        {
            block.Add((byte)((value % 128) + 128));
            value /= 128;
        }

        block.Add((byte)value);
    }

    private async Task WriteFrameAsync(byte type, byte flags, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        await _tls.WriteAsync(frame);
        await _tls.FlushAsync();
    }

    private async Task<Http2Result> ReadResponseAsync(int stream, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var result = new Http2Result();
        var block = new List<byte>();
        var headersDone = false;
        var headerFrameEndsStream = false;
        try
        {
            while (true)
            {
                var header = new byte[9];
                try
                {
                    await _tls.ReadExactlyAsync(header, cancel.Token);
                }
                catch (Exception e) when (e is EndOfStreamException or IOException)
                {
                    result.ConnectionClosed = true;
                    return result;
                }

                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var type = header[3];
                var flags = header[4];
                var id = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7fffffff;
                var payload = new byte[length];
                try
                {
                    await _tls.ReadExactlyAsync(payload, cancel.Token);
                }
                catch (Exception e) when (e is EndOfStreamException or IOException)
                {
                    result.ConnectionClosed = true;
                    return result;
                }

                switch (type)
                {
                    case Settings when (flags & Ack) == 0:
                        await WriteFrameAsync(Settings, Ack, 0, []);
                        break;
                    case Ping when (flags & Ack) == 0:
                        await WriteFrameAsync(Ping, Ack, 0, payload);
                        break;
                    case GoAway:
                        result.GoAwayError = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4));
                        return result;
                    case RstStream when id == stream:
                        result.ResetError = BinaryPrimitives.ReadInt32BigEndian(payload);
                        return result;
                    case Headers when id == stream:
                    case Continuation when id == stream:
                        var offset = 0;
                        var end = payload.Length;
                        if (type == Headers)
                        {
                            if ((flags & 0x8) != 0)
                            {
                                offset = 1;
                                end -= payload[0];
                            }

                            if ((flags & 0x20) != 0)
                            {
                                offset += 5;
                            }

                            headerFrameEndsStream = (flags & EndStream) != 0;
                        }

                        block.AddRange(payload.AsSpan(offset, end - offset));
                        if ((flags & EndHeaders) != 0)
                        {
                            var decoded = _decoder.Decode([.. block]);
                            block.Clear();
                            if (!headersDone)
                            {
                                result.Fields = decoded;
                                headersDone = true;
                            }

                            if (headerFrameEndsStream)
                            {
                                return result;
                            }
                        }

                        break;
                    case Data when id == stream:
                        var dataOffset = 0;
                        var dataEnd = payload.Length;
                        if ((flags & 0x8) != 0)
                        {
                            dataOffset = 1;
                            dataEnd -= payload[0];
                        }

                        result.Body.AddRange(payload.AsSpan(dataOffset, dataEnd - dataOffset));
                        if (length > 0)
                        {
                            // Keep the windows open for longer bodies.
                            var increment = new byte[4];
                            BinaryPrimitives.WriteInt32BigEndian(increment, length);
                            await WriteFrameAsync(WindowUpdate, 0, 0, increment);
                            await WriteFrameAsync(WindowUpdate, 0, stream, increment);
                        }

                        if ((flags & EndStream) != 0)
                        {
                            return result;
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            result.TimedOut = true;
            return result;
        }
    }
}
