using FastGateway.Proxy;
using static FastGateway.Tests.Proxy.InMemoryUpstream;

namespace FastGateway.Tests.Proxy;

/// <summary>A body of exactly Content-Length bytes: copied whole, nothing past it consumed.</summary>
public sealed class ContentLengthBodyTests
{
    [Theory]
    [InlineData("helloNEXT", 5, "hello", "NEXT", int.MaxValue)]
    [InlineData("helloNEXT", 5, "hello", "", 1)] // read a byte at a time: the copy stops reading at the body's end
    [InlineData("hello", 5, "hello", "", 2)]
    [InlineData("NEXT", 0, "", "", int.MaxValue)] // nothing to read, nothing read
    public async Task CopyAsync_CopiesExactlyTheLength_AndLeavesTheRest(string upstream, long length, string body, string rest, int bytesPerRead)
    {
        var reader = Reader(upstream, bytesPerRead);

        var (completed, received) = await CopyAsync(client => ContentLengthBody.CopyAsync(reader, client, length, CancellationToken.None));

        Assert.True(completed);
        Assert.Equal(body, received);
        Assert.Equal(rest, Rest(reader));
        Assert.False(reader.IsCompleted);
    }

    [Fact]
    public async Task CopyAsync_UpstreamClosesEarly_IsClosedMidBody()
    {
        var reader = Reader("only ten b", 3);

        var failure = await Assert.ThrowsAsync<UpstreamProtocolException>(
            () => CopyAsync(client => ContentLengthBody.CopyAsync(reader, client, 1000, CancellationToken.None)));

        Assert.Equal(UpstreamProtocolError.ClosedMidBody, failure.Error);
    }
}
