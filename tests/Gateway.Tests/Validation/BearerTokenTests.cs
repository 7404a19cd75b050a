using FastGateway.Validation;
using FastGateway.TokenStore;

namespace FastGateway.Tests.Authorization;

public sealed class BearerTokenTests
{
    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER  a-b.c_d~e+f/g==", "a-b.c_d~e+f/g==")]
    public void TryParse_ValidBearer_ReturnsToken(string header, string expected)
    {
        Assert.Equal(BearerParseStatus.Ok, BearerToken.TryParse(header, out var token));
        Assert.Equal(expected, token.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearerabc")]
    public void TryParse_NoBearerCredentials_ReturnsNotBearer(string header) =>
        Assert.Equal(BearerParseStatus.NotBearer, BearerToken.TryParse(header, out _));

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer a b")]
    [InlineData("Bearer a=b")]
    [InlineData("Bearer ====")]
    [InlineData("Bearer tok\u00e9n")]
    [InlineData("Bearer a,b")]
    public void TryParse_NotB64Token_ReturnsMalformed(string header) =>
        Assert.Equal(BearerParseStatus.Malformed, BearerToken.TryParse(header, out _));

    [Fact]
    public void TokenHash_SameTokenSameHash_DifferentTokenDifferentHash()
    {
        Assert.True(TokenHash.TryCompute("token-one", out var a));
        Assert.True(TokenHash.TryCompute("token-one", out var b));
        Assert.True(TokenHash.TryCompute("token-two", out var c));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(16, a.ToTokenId().Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("caf\u00e9")]
    public void TokenHash_EmptyOrNonAscii_IsRefused(string token) =>
        Assert.False(TokenHash.TryCompute(token, out _));

    [Fact]
    public void TokenHash_TooLong_IsRefused() =>
        Assert.False(TokenHash.TryCompute(new string('a', TokenHash.MaxTokenLength + 1), out _));

    [Fact]
    public void TryParse_AllocatesNothing()
    {
        const string Header = "Bearer 3G5g8l8wA5rp9oSzi3SL_zwdKn9vON-3HRh683D5POw";
        BearerToken.TryParse(Header, out _);
        TokenHash.TryCompute("warm-up", out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            BearerToken.TryParse(Header, out var token);
            TokenHash.TryCompute(token, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
