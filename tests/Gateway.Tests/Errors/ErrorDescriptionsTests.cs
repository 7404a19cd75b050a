using FastGateway.Errors;

namespace FastGateway.Tests.Errors;

/// <summary>error_description stays within RFC 6749's %x20-21 / %x23-5B / %x5D-7E wherever it leaves the gateway.</summary>
public sealed class ErrorDescriptionsTests
{
    [Fact]
    public void Sanitize_AllowedText_IsReturnedUnchanged()
    {
        const string text = "missing response_type; use code (RFC 6749 section 4.1.1) 'quoted' [ok] ~!";

        Assert.Same(text, ErrorDescriptions.Sanitize(text));
    }

    [Theory]
    [InlineData("a\"b", "a'b")]
    [InlineData("a\\b", "a/b")]
    [InlineData("caf\u00e9\n\t\u0000\u007f", "caf?????")]
    [InlineData("\U0001F600", "??")]
    public void Sanitize_CharactersOutsideTheSet_AreReplaced(string text, string expected)
    {
        Assert.Equal(expected, ErrorDescriptions.Sanitize(text));
    }

    [Fact]
    public void Sanitize_EveryCharacter_ResultIsWithinTheSet()
    {
        var all = new string([.. Enumerable.Range(0, 0x2000).Select(i => (char)i)]);

        var sanitized = ErrorDescriptions.Sanitize(all);

        Assert.Equal(all.Length, sanitized.Length);
        Assert.All(sanitized, c => Assert.True(c is (>= '\x20' and <= '\x21') or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E'), $"U+{(int)c:X4}"));
    }

    [Fact]
    public async Task ErrorResponse_WriteAsync_SanitizesTheDescription()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "unknown \"x\\\u00e9\"");

        using var json = System.Text.Json.JsonDocument.Parse(body.ToArray());
        Assert.Equal("unknown 'x/?'", json.RootElement.GetProperty("error_description").GetString());
    }
}
