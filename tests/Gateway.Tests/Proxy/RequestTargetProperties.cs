using System.IO.Pipelines;
using System.Net;
using System.Text;
using FastGateway.Hosting;
using FastGateway.Proxy;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.AspNetCore.Http;

namespace FastGateway.Tests.Proxy;

/// <summary>One generated raw request-target, as the pieces it was built from (so it shrinks piece by piece).</summary>
public sealed record TargetCase(string[] Parts, int BaseIndex, int UpstreamIndex)
{
    /// <summary>The raw request-target.</summary>
    public string Raw => string.Concat(Parts);

    /// <inheritdoc/>
    public override string ToString() => $"Raw={PropertyText.Literal(Raw)} BasePath={RequestTargetProperties.BasePaths[BaseIndex]} Upstream={UpstreamIndex}";
}

/// <summary>
/// Properties of <see cref="RequestTarget.TryParse"/> under the default path policy, with the head
/// <see cref="Http1Request.WriteHead"/> writes: an accepted target is forwarded byte for byte with only the API's base
/// path replaced, the path routes are matched on is what one RFC 3986 decoding of the forwarded path gives, and that
/// decoding holds no dot segment, no '/' the raw path did not have, no '\', no control and no escape left to decode.
/// The decoder and the checks are written here, not taken from src/.
/// </summary>
public sealed class RequestTargetProperties : IDisposable
{
    internal static readonly string[] BasePaths = ["/api", "/svc/v2"];
    private static readonly string[] UpstreamUrls = ["http://up.example:8080/base", "http://10.0.0.7/", "https://svc.example/a/b/"];

    private const string PathChars = "/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";

    private readonly Upstream[] _upstreams;
    private readonly PathOctets _rejected = new PathPolicyOptions().Rejected;

    public RequestTargetProperties()
    {
        _upstreams = [.. UpstreamUrls.Select(url => new Upstream(new Uri(url), new ProxyOptions(), new PathPolicyOptions()))];
    }

    public void Dispose()
    {
        foreach (var upstream in _upstreams)
        {
            upstream.Dispose();
        }
    }

    /// <summary>Everything in the brief but one check: an escape left over after one decoding (next property).</summary>
    [Property(MaxTest = 10000, QuietOnSuccess = true)]
    public Property RequestTarget_AnyRawTarget_RefusedOrForwardedByteForByteAndMatchedOnItsOneDecoding() =>
        Prop.ForAll(Arb.From(Targets(), Shrink), c => Verify(c, checkLeftoverEscapes: false));

    /// <summary>
    /// The same, plus: the forwarded path decoded once holds no <c>%</c> followed by two hex digits (an escape an upstream
    /// that decodes twice would turn into another octet; the default policy refuses double encoding). Found a
    /// hole when RequestTarget.Scan flagged <c>%25</c> only when the two raw characters after it were hex digits:
    /// <c>/api/%25%34%31</c> (decoded once: <c>/api/%41</c>, twice: <c>/api/A</c>) was accepted; kept as its test.
    /// About 1 generated case in 2,700 hits it, so 20,000 cases (about 2 s) miss it in under 1 run in 1,000.
    /// </summary>
    [Property(MaxTest = 20000, QuietOnSuccess = true)]
    public Property RequestTarget_AnyAcceptedTarget_DecodedOnceHoldsNoEscape() =>
        Prop.ForAll(Arb.From(Targets(), Shrink), c => Verify(c, checkLeftoverEscapes: true));

    private static Gen<TargetCase> Targets()
    {
        var atom = Gen.Frequency(
            (6, Gen.Elements("a", "Z", "0", "9", "-", "_", "~", ".", "..", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@", "seg",
                "41", "2e", "2E", "e", "F", "7")),
            (5, Gen.Elements("%41", "%61", "%34", "%31", "%32", "%65", "%46", "%7E", "%2D", "%5F", "%c3%a9", "%E6%97%A5", "%20", "%3A")),
            (3, Gen.Elements("%2e", "%2E", "%2f", "%2F", "%5c", "%5C", "%00", "%0a", "%0A", "%7f", "%7F", "%C3", "%ff", "%c0%ae", "%3", "%g1", "%")),
            (2, Gen.Constant("%25")),
            (1, Gen.Elements(" ", "\\", "\"", "<", "é", "\0", "\n", "\r", "\t", "#", "[", "|", "^", "{", "\u007F")));
        var segment = Gen.Frequency(
            (8, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(atom, n)).Select(atoms => (string[])["/", .. atoms])),
            (1, Gen.Elements<string[]>(["/", "."], ["/", ".."], ["/", "%2e", "%2e"], ["/", ".", "%2E"], ["/"])));
        var queryAtom = Gen.Elements("x=1", "&", "a%20b", " ", "\t", "\u0001", "#", "é", "[", "|", "?", "/", "%zz", "\"", "\\", "y");
        var query = Gen.Frequency(
            (3, Gen.Constant(Array.Empty<string>())),
            (2, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(queryAtom, n)).Select(atoms => (string[])["?", .. atoms])));
        var start = Gen.Frequency(
            (8, Gen.Elements<string[]>(["/api"], ["/svc/v2"], ["/api", "/"])),
            (1, Gen.Elements<string[]>(["/", "%61", "pi"], ["/%41pi"], ["/ap%69"], ["/svc", "%2F", "v2"], ["/api", "%2e"], ["/ap"])),
            (1, Gen.Elements<string[]>(["http://h.example", "/api"], ["HTTPS://h.example:8443", "/svc/v2"], ["*"], ["h.example:443"])));
        return from first in start
               from n in Gen.Choose(0, 5)
               from segments in Gen.ArrayOf(segment, n)
               from trailing in Gen.Elements<string[]>([], [], ["/"])
               from q in query
               from baseIndex in Gen.Choose(0, BasePaths.Length - 1)
               from upstream in Gen.Choose(0, UpstreamUrls.Length - 1)
               select new TargetCase([.. first, .. segments.SelectMany(s => s), .. trailing, .. q], baseIndex, upstream);
    }

    private static IEnumerable<TargetCase> Shrink(TargetCase c)
    {
        foreach (var fewer in PropertyText.WithoutOne(c.Parts))
        {
            yield return c with { Parts = fewer };
        }
    }

    private void Verify(TargetCase c, bool checkLeftoverEscapes)
    {
        var raw = c.Raw;
        var error = RequestTarget.TryParse(raw, new char[raw.Length], out var target, out var matchSpan, out var octets);
        if (error != TargetError.None || (octets & _rejected) != PathOctets.None)
        {
            return; // refused: 400, nothing forwarded
        }

        var matchPath = matchSpan.ToString();
        var path = target.Path.ToString();
        var query = target.Query.ToString();
        Assert.Equal(raw, raw[..target.PathStart] + path + query);

        // The raw path is RFC 3986 path grammar with well-formed escapes; the query is visible ASCII but '#'.
        Assert.StartsWith("/", path, StringComparison.Ordinal);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%')
            {
                Assert.True(i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]), $"bad escape accepted at {i}");
                i += 2;
            }
            else
            {
                Assert.True(PathChars.Contains(path[i], StringComparison.Ordinal), $"raw {PropertyText.Literal(path[i].ToString())} accepted in the path");
            }
        }

        Assert.True(query.Length == 0 || (query[0] == '?' && query.Skip(1).All(ch => ch is > ' ' and < '\u007F' and not '#')), "bad query accepted");

        // Matched on exactly one decoding of the raw path (the default policy refuses every escape it would keep).
        var decoded = DecodeOnce(path);
        Assert.Equal(Encoding.UTF8.GetBytes(matchPath), decoded);
        CheckDecoded(path, decoded, checkLeftoverEscapes);

        // Routed to this API only when the match path is under its base path.
        var basePath = BasePaths[c.BaseIndex];
        if (!matchPath.StartsWith(basePath, StringComparison.Ordinal) || (matchPath.Length > basePath.Length && matchPath[basePath.Length] != '/'))
        {
            return;
        }

        var restStart = target.RawPathIndex(basePath.Length);
        Assert.Equal(Encoding.ASCII.GetBytes(basePath), DecodeOnce(raw[target.PathStart..restStart]));
        var rest = raw[restStart..target.QueryStart];

        var upstream = _upstreams[c.UpstreamIndex];
        var prefix = Encoding.ASCII.GetString(upstream.PathPrefix);
        var forwarded = ForwardedTarget(upstream, target, restStart, basePath);
        Assert.Equal(prefix + (rest.Length == 0 ? "/" : rest) + query, forwarded);

        // The forwarded path decoded once is the upstream prefix and the match path after the base path.
        var forwardedPath = forwarded[..(forwarded.Length - query.Length)];
        var forwardedDecoded = DecodeOnce(forwardedPath);
        var matchRest = matchPath[basePath.Length..];
        Assert.Equal(Encoding.UTF8.GetBytes(prefix + (matchRest.Length == 0 ? "/" : matchRest)), forwardedDecoded);
        CheckDecoded(forwardedPath, forwardedDecoded, checkLeftoverEscapes);
    }

    // What one RFC 3986 decoding of an accepted path must not hold.
    private static void CheckDecoded(string rawPath, byte[] decoded, bool checkLeftoverEscapes)
    {
        var text = PropertyText.Bytes(decoded);
        Assert.Equal(rawPath.Count(ch => ch == '/'), decoded.Count(b => b == '/')); // no %2F made a new segment
        Assert.DoesNotContain((byte)'\\', decoded);
        Assert.False(decoded.Any(b => b is < 0x20 or 0x7F), $"control octet after one decoding: {text}");
        var segments = Encoding.Latin1.GetString(decoded).Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            Assert.False(segments[i] is "." or "..", $"dot segment after one decoding: {text}");
            Assert.False(segments[i].Length == 0 && i < segments.Length - 1, $"empty segment after one decoding: {text}");
        }

        if (checkLeftoverEscapes)
        {
            for (var i = 0; i + 2 < decoded.Length; i++)
            {
                Assert.False(decoded[i] == '%' && char.IsAsciiHexDigit((char)decoded[i + 1]) && char.IsAsciiHexDigit((char)decoded[i + 2]),
                    $"an escape is left after one decoding (a second decoding changes the path): {text}");
            }
        }
    }

    // RFC 3986 section 2.1, once: "%" HEXDIG HEXDIG becomes the octet; everything else (ASCII by the grammar) stays.
    private static byte[] DecodeOnce(string path)
    {
        var octets = new List<byte>(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                octets.Add(Convert.FromHexString(path.AsSpan(i + 1, 2))[0]);
                i += 2;
            }
            else
            {
                octets.Add(checked((byte)path[i]));
            }
        }

        return [.. octets];
    }

    private static string ForwardedTarget(Upstream upstream, in RequestTarget target, int restStart, string basePath)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers.Host = "gateway.example";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        var stream = new MemoryStream();
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        Http1Request.WriteHead(writer, context, upstream, target, restStart, basePath, new ForwardedIdentity("c", null, "read"),
            RequestFieldPolicy.FromOptions(new ProxyOptions()), null);
        writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // a MemoryStream: completes at once
        writer.Complete();
        var (requestLine, _) = RequestHeadProperties.StrictParse(stream.ToArray());
        var parts = requestLine.Split(' ');
        Assert.Equal(3, parts.Length);
        return parts[1];
    }
}
