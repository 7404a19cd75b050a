using FastGateway.OAuth;
using FastGateway.TokenStore;

namespace FastGateway.Tests.OAuth;

public sealed class PkceTests
{
    // RFC 7636 Appendix B.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public void S256_Rfc7636AppendixB_VerifierMatches_OthersDoNot()
    {
        Assert.True(Pkce.TryParseChallenge(Challenge, "S256", allowPlain: false, out var kind, out var stored, out _));

        Assert.Equal(CodeChallengeMethod.S256, kind);
        Assert.True(Pkce.Verify(kind, stored, Verifier));
        Assert.False(Pkce.Verify(kind, stored, Verifier[..^1] + "l"));
        Assert.False(Pkce.Verify(kind, stored, null));
        Assert.False(Pkce.Verify(kind, stored, "short"));
    }

    [Fact]
    public void Plain_RefusedUnlessAllowed_ThenVerifierEqualsChallenge()
    {
        Assert.False(Pkce.TryParseChallenge(Verifier, null, allowPlain: false, out _, out _, out var problem));
        Assert.Contains("plain", problem, StringComparison.Ordinal);

        Assert.True(Pkce.TryParseChallenge(Verifier, "plain", allowPlain: true, out var kind, out var stored, out _));
        Assert.True(Pkce.Verify(kind, stored, Verifier));
        Assert.False(Pkce.Verify(kind, stored, Challenge));
    }

    [Theory]
    [InlineData("tooShort", "S256")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S512")]
    [InlineData("", "S256")]
    public void BadChallenge_IsRefusedWithReason(string challenge, string method)
    {
        Assert.False(Pkce.TryParseChallenge(challenge, method, allowPlain: false, out _, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void NoChallenge_IsNone()
    {
        Assert.True(Pkce.TryParseChallenge(null, null, allowPlain: false, out var kind, out _, out _));
        Assert.Equal(CodeChallengeMethod.None, kind);
        Assert.False(Pkce.Verify(kind, default, Verifier));
    }
}
