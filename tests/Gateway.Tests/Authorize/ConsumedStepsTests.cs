using FastGateway.Authorize;

namespace FastGateway.Tests.Authorize;

public sealed class ConsumedStepsTests
{
    [Fact]
    public void TryConsume_SameStepTwice_SecondIsRefused_UntilItExpired()
    {
        var time = new ManualTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var steps = new ConsumedSteps(time);
        var step = Guid.NewGuid();

        Assert.True(steps.TryConsume(step, 1_800_000_600));
        Assert.False(steps.TryConsume(step, 1_800_000_600));
        Assert.True(steps.IsConsumed(step));
        Assert.True(steps.TryConsume(Guid.NewGuid(), 1_800_000_600));

        // Long after the step expired (its payload is refused by Data Protection anyway), the entry is dropped.
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(steps.TryConsume(Guid.NewGuid(), 1_800_004_200));
        Assert.False(steps.IsConsumed(step));
    }

    [Fact]
    public void TryConsume_ConcurrentPostsOfOneStep_ExactlyOneWins()
    {
        var steps = new ConsumedSteps(TimeProvider.System);
        var step = Guid.NewGuid();
        var expires = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600;

        var wins = 0;
        Parallel.For(0, 64, _ =>
        {
            if (steps.TryConsume(step, expires))
            {
                Interlocked.Increment(ref wins);
            }
        });

        Assert.Equal(1, wins);
    }

    [Fact]
    public void TryConsume_Full_RefusesNewStepsWithoutForgettingOldOnes()
    {
        var steps = new ConsumedSteps(TimeProvider.System);
        var expires = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600;
        var first = Guid.NewGuid();
        Assert.True(steps.TryConsume(first, expires));
        for (var i = 1; i < ConsumedSteps.Capacity; i++)
        {
            Assert.True(steps.TryConsume(Guid.NewGuid(), expires));
        }

        var late = Guid.NewGuid();

        Assert.False(steps.TryConsume(late, expires));
        Assert.False(steps.IsConsumed(late));
        Assert.False(steps.TryConsume(first, expires));
        Assert.True(steps.IsConsumed(first));
    }

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
