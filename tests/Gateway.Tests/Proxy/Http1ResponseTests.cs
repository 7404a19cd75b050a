using FastGateway.Proxy;

namespace FastGateway.Tests.Proxy;

/// <summary>Invariants the response parser's shortcuts rely on.</summary>
public sealed class Http1ResponseTests
{
    [Fact]
    public void NoKnownFieldName_IsHopByHop()
    {
        // The parser skips the hop-by-hop lookup for known names; a hop-by-hop name added here would be forwarded.
        Assert.DoesNotContain(Http1Response.KnownNames, Http1Request.HopByHop.Contains);
    }

    [Fact]
    public void KnownFieldNames_FitTheSeenMask()
    {
        // The parser marks the known names it has set in one 64-bit mask, a bit per name.
        Assert.InRange(Http1Response.KnownNames.Length, 1, 64);
    }
}
