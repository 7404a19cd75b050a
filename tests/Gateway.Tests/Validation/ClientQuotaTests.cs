using FastGateway.Validation;

namespace FastGateway.Tests.Validation;

/// <summary>The quota's token bucket (GCRA) on explicit times, in 100 ns ticks: no clock involved.</summary>
public sealed class ClientQuotaTests
{
    private const long Second = TimeSpan.TicksPerSecond;
    private const long Start = 1_000 * Second;

    [Fact]
    public void TryAcquire_FullBucket_AllowsTheBurstThenRefuses()
    {
        var quota = new ClientQuota(requests: 3, windowSeconds: 2);

        Assert.True(quota.TryAcquire(Start));
        Assert.True(quota.TryAcquire(Start));
        Assert.True(quota.TryAcquire(Start));
        Assert.False(quota.TryAcquire(Start));
        Assert.False(quota.TryAcquire(Start + 1));
    }

    [Fact]
    public void TryAcquire_RefillsOneRequestPerWindowOverRequests()
    {
        var quota = new ClientQuota(requests: 3, windowSeconds: 3); // one token a second
        for (var i = 0; i < 3; i++)
        {
            Assert.True(quota.TryAcquire(Start));
        }

        Assert.False(quota.TryAcquire(Start + Second - 1));
        Assert.True(quota.TryAcquire(Start + Second));
        Assert.False(quota.TryAcquire(Start + Second));
        // Idle for a whole window: the bucket is full again, not fuller.
        var later = Start + 10 * Second;
        Assert.True(quota.TryAcquire(later));
        Assert.True(quota.TryAcquire(later));
        Assert.True(quota.TryAcquire(later));
        Assert.False(quota.TryAcquire(later));
    }

    [Fact]
    public void RetryAfterSeconds_IsTheWaitForTheNextToken_RoundedUp()
    {
        var quota = new ClientQuota(requests: 2, windowSeconds: 10); // one token every 5 s
        Assert.True(quota.TryAcquire(Start));
        Assert.True(quota.TryAcquire(Start));
        Assert.False(quota.TryAcquire(Start));

        Assert.Equal(5, quota.RetryAfterSeconds(Start));
        Assert.Equal(4, quota.RetryAfterSeconds(Start + Second));
        Assert.Equal(1, quota.RetryAfterSeconds(Start + 4 * Second + 1));
        Assert.True(quota.TryAcquire(Start + 5 * Second));
    }

    [Fact]
    public void TryAcquire_ConcurrentCallers_NeverAllowMoreThanTheBucket()
    {
        var quota = new ClientQuota(requests: 1000, windowSeconds: 3600);
        var allowed = 0;
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 500; i++)
            {
                if (quota.TryAcquire(Start))
                {
                    Interlocked.Increment(ref allowed);
                }
            }
        });

        Assert.Equal(1000, allowed);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void Constructor_BelowOne_Throws(int requests, int windowSeconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientQuota(requests, windowSeconds));
}
