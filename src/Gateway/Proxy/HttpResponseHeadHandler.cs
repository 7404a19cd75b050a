using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace FastGateway.Proxy;

/// <summary>
/// Writes a final upstream response head into the client's <see cref="HttpResponse"/>: the status, the end-to-end
/// fields (hop-by-hop ones and those <c>Connection</c> names dropped, RFC 9110 section 7.6.1) and the
/// <c>Content-Length</c> the parser decided to forward.
/// </summary>
/// <remarks>Field strings are what the response needs; the rest is allocation-free. Names in
/// <see cref="Http1Response.KnownNames"/> reuse their string, and their values reuse the connection's last one while
/// the bytes repeat (as Kestrel does for request fields).</remarks>
internal struct HttpResponseHeadHandler : IResponseHeadHandler
{
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> HopByHopLookup =
        Http1Request.HopByHop.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly int LongestHopByHopName = LongestName(Http1Request.HopByHop);

    private readonly HttpResponse _response;
    private readonly IHeaderDictionary _headers;
    private readonly string?[] _recentValues;
    private ulong _knownSeen; // bit i: KnownNames[i] already set from this head
    private List<string>? _connectionOptions;

    /// <summary>A handler for one head.</summary>
    /// <param name="response">The client's response, not started, holding no fields but the proxy's (none today).</param>
    /// <param name="recentValues">The connection's last value per <see cref="Http1Response.KnownNames"/> index.</param>
    public HttpResponseHeadHandler(HttpResponse response, string?[] recentValues)
    {
        _response = response;
        _headers = response.Headers;
        _recentValues = recentValues;
    }

    /// <inheritdoc/>
    public readonly void OnStatusLine(Http1Version version, int statusCode, ReadOnlySpan<byte> reasonPhrase) => _response.StatusCode = statusCode;

    /// <inheritdoc/>
    public void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        string nameText;
        string valueText;
        var known = IndexOfKnownName(name);
        if (known >= 0)
        {
            nameText = Http1Response.KnownNames[known];
            var recent = _recentValues[known];
            if (recent is not null && Ascii.Equals(value, recent))
            {
                valueText = recent;
            }
            else
            {
                valueText = _recentValues[known] = Encoding.Latin1.GetString(value);
            }

            // The response holds no fields but this head's (the proxy runs first; a retry clears it), so the first
            // line of a known name is set, without Append's lookup and concatenation.
            var bit = 1UL << known;
            if ((_knownSeen & bit) == 0)
            {
                _knownSeen |= bit;
                _headers[nameText] = valueText;
                return;
            }
        }
        else
        {
            if (IsHopByHop(name))
            {
                return; // known names are never hop-by-hop, so only the others are looked up
            }

            nameText = Encoding.ASCII.GetString(name);
            valueText = Encoding.Latin1.GetString(value);
        }

        // Repeated fields (Set-Cookie, Vary...) keep every line.
        _headers.Append(nameText, valueText);
    }

    /// <inheritdoc/>
    public void OnConnectionOption(ReadOnlySpan<byte> option) => (_connectionOptions ??= []).Add(Encoding.ASCII.GetString(option));

    /// <inheritdoc/>
    public readonly void OnHeadComplete(in ResponseHead head)
    {
        if (_connectionOptions is not null)
        {
            foreach (var option in _connectionOptions)
            {
                _headers.Remove(option);
            }
        }

        if (head.ContentLength >= 0)
        {
            _response.ContentLength = head.ContentLength;
        }
    }

    private static int IndexOfKnownName(ReadOnlySpan<byte> name)
    {
        var names = Http1Response.KnownNames;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == name.Length && Ascii.EqualsIgnoreCase(name, names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // The one hop-by-hop list (Http1Request.HopByHop), looked up without allocating a string for the name.
    private static bool IsHopByHop(ReadOnlySpan<byte> name)
    {
        if (name.Length > LongestHopByHopName)
        {
            return false;
        }

        Span<char> chars = stackalloc char[name.Length];
        return Ascii.ToUtf16(name, chars, out _) == OperationStatus.Done && HopByHopLookup.Contains(chars);
    }

    private static int LongestName(FrozenSet<string> names)
    {
        var longest = 0;
        foreach (var name in names)
        {
            longest = Math.Max(longest, name.Length);
        }

        return longest;
    }
}
