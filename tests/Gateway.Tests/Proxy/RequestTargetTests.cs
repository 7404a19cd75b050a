using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>The raw request-target: what is refused, what the routes are matched on, and where the forwarded part starts.</summary>
public sealed class RequestTargetTests
{
    [Theory]
    [InlineData("/timetravels/bookings", "/timetravels/bookings", "")]
    [InlineData("/timetravels/bookings?a=%41&b=c d", null, null)] // space in the query
    [InlineData("/timetravels/bookings/1?a=%41", "/timetravels/bookings/1", "?a=%41")]
    [InlineData("/timetravels/book%69ngs", "/timetravels/bookings", "")] // unreserved escapes decode for matching
    [InlineData("/timetravels/bookings/caf%C3%A9", "/timetravels/bookings/café", "")]
    [InlineData("/timetravels/bookings/1%3B2%2B3%20", "/timetravels/bookings/1;2+3 ", "")]
    [InlineData("http://gateway/timetravels/bookings?q", "/timetravels/bookings", "?q")] // absolute-form
    [InlineData("/timetravels/bookings/", "/timetravels/bookings/", "")] // a trailing slash is not an empty segment
    [InlineData("/", "/", "")]
    public void TryParse_ValidTarget_MatchesOnTheDecodedPath(string raw, string? matchPath, string? query)
    {
        var scratch = new char[raw.Length];
        var error = RequestTarget.TryParse(raw, scratch, out var target, out var match, out var octets);

        if (matchPath is null)
        {
            Assert.Equal(TargetError.InvalidQuery, error);
            return;
        }

        Assert.Equal(TargetError.None, error);
        Assert.Equal(PathOctets.None, octets);
        Assert.Equal(matchPath, match.ToString());
        Assert.Equal(query, target.Query.ToString());
    }

    [Theory]
    [InlineData("/timetravels/bookings/a%2Fb", (int)PathOctets.EscapedSlashes, "/timetravels/bookings/a%2Fb")]
    [InlineData("/timetravels/bookings/a%5cb", (int)PathOctets.EscapedSlashes, "/timetravels/bookings/a%5cb")]
    [InlineData("/timetravels/bookings/%2e%2e", (int)PathOctets.EncodedDotSegments, "/timetravels/bookings/%2e%2e")]
    [InlineData("/timetravels/bookings/.%2E/x", (int)PathOctets.EncodedDotSegments, "/timetravels/bookings/.%2E/x")]
    [InlineData("/timetravels/bookings/%2e", (int)PathOctets.EncodedDotSegments, "/timetravels/bookings/%2e")]
    [InlineData("/timetravels/bookings/%252e%252e", (int)PathOctets.DoubleEncoding, "/timetravels/bookings/%252e%252e")]
    [InlineData("/timetravels/bookings/%2525", (int)PathOctets.DoubleEncoding, "/timetravels/bookings/%2525")]
    [InlineData("/timetravels/bookings/%0d%0a", (int)PathOctets.EncodedControlCharacters, "/timetravels/bookings/%0d%0a")]
    [InlineData("/timetravels/bookings/%7F", (int)PathOctets.EncodedControlCharacters, "/timetravels/bookings/%7F")]
    [InlineData("/timetravels//bookings", (int)PathOctets.EmptySegments, "/timetravels//bookings")]
    public void TryParse_RiskyOctets_AreReportedAndMatchedAsReceived(string raw, int expected, string matchPath)
    {
        var error = RequestTarget.TryParse(raw, new char[raw.Length], out _, out var match, out var octets);

        Assert.Equal(TargetError.None, error);
        Assert.Equal((PathOctets)expected, octets);
        Assert.Equal(matchPath, match.ToString()); // never decoded into a separator, a dot segment or a new escape
    }

    [Theory]
    [InlineData("/timetravels/bookings/%00", (int)TargetError.NulOctet)]
    [InlineData("/timetravels/bookings/../admin", (int)TargetError.DotSegment)]
    [InlineData("/timetravels/./bookings", (int)TargetError.DotSegment)]
    [InlineData("/timetravels/bookings/..", (int)TargetError.DotSegment)]
    [InlineData("/timetravels/bookings/%zz", (int)TargetError.InvalidEscape)]
    [InlineData("/timetravels/bookings/%4", (int)TargetError.InvalidEscape)]
    [InlineData("/timetravels/bookings/%", (int)TargetError.InvalidEscape)]
    [InlineData("/timetravels/bookings/%C3", (int)TargetError.InvalidEscape)] // not UTF-8
    [InlineData("/timetravels/bookings/a b", (int)TargetError.InvalidCharacter)]
    [InlineData("/timetravels/bookings\\..\\admin", (int)TargetError.InvalidCharacter)]
    [InlineData("/timetravels/bookings/\u00e9", (int)TargetError.InvalidCharacter)]
    [InlineData("/timetravels/bookings/\t", (int)TargetError.InvalidCharacter)]
    [InlineData("/timetravels/bookings?a\r\nX: y", (int)TargetError.InvalidQuery)]
    [InlineData("/timetravels/bookings?a#b", (int)TargetError.InvalidQuery)]
    [InlineData("/timetravels/bookings?\u00e9", (int)TargetError.InvalidQuery)]
    [InlineData("*", (int)TargetError.NoPath)]
    [InlineData("gateway:443", (int)TargetError.NoPath)]
    public void TryParse_InvalidTarget_IsRefused(string raw, int expected)
    {
        Assert.Equal((TargetError)expected, RequestTarget.TryParse(raw, new char[raw.Length], out _, out _, out _));
    }

    [Theory]
    [InlineData("/timetravels/bookings/1?x", 12, "/bookings/1")]
    [InlineData("/timet%72avels/bookings", 12, "/bookings")]
    [InlineData("/timetravels", 12, "")]
    [InlineData("http://h/timetravels/bookings", 12, "/bookings")]
    public void RawPathIndex_BasePathLength_PointsAfterTheRawBasePath(string raw, int basePathLength, string rest)
    {
        Assert.Equal(TargetError.None, RequestTarget.TryParse(raw, new char[raw.Length], out var target, out _, out _));

        var start = target.RawPathIndex(basePathLength);

        Assert.Equal(rest, raw[start..target.QueryStart]);
    }
}
