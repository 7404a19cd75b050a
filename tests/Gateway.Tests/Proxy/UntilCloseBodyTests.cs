using FastGateway.Proxy;
using static FastGateway.Tests.Proxy.InMemoryUpstream;

namespace FastGateway.Tests.Proxy;

/// <summary>A body delimited by the upstream closing the connection: every byte until then.</summary>
public sealed class UntilCloseBodyTests
{
    [Theory]
    [InlineData("hello until close", int.MaxValue)]
    [InlineData("hello until close", 1)]
    [InlineData("", int.MaxValue)]
    public async Task CopyAsync_CopiesEverythingUntilClose(string upstream, int bytesPerRead)
    {
        var reader = Reader(upstream, bytesPerRead);

        var (completed, received) = await CopyAsync(client => UntilCloseBody.CopyAsync(reader, client, CancellationToken.None));

        Assert.True(completed);
        Assert.Equal(upstream, received);
        Assert.True(reader.IsCompleted);
    }

    [Fact]
    public async Task CopyAsync_LargeBody_PastTheReadBuffer_ArrivesInOrder()
    {
        var upstream = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i:D8},"));
        var reader = Reader(upstream, 7000);

        var (_, received) = await CopyAsync(client => UntilCloseBody.CopyAsync(reader, client, CancellationToken.None));

        Assert.Equal(upstream, received);
    }
}
