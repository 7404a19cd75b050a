using System.Collections.Concurrent;

namespace FastGateway.Authorize;

/// <summary>
/// The sign-in and consent steps that already succeeded, by <see cref="AuthorizationRequest.StepId"/>, so each step
/// succeeds once: the same approve form posted twice gets an error page, not a second code (RFC 9700 section 4.5,
/// RFC 6749 section 10.12). Bounded and expiring: an entry is kept until its step's protected payload has expired
/// anyway (<see cref="AuthorizeEndpoint.StepLifetime"/>), then dropped.
/// </summary>
/// <remarks>
/// In memory, per gateway node: with several nodes behind a load balancer, a step replayed on another node is not
/// caught here (the browser binding and the step's time limit still hold). Full (<see cref="Capacity"/> live steps,
/// far above what password hashing lets one node sign in within a step's lifetime) means fail closed: the step is
/// refused and the user starts again.
/// </remarks>
internal sealed class ConsumedSteps(TimeProvider time)
{
    /// <summary>Most steps remembered at once.</summary>
    public const int Capacity = 100_000;

    /// <summary>Seconds an entry outlives its step, for clock differences between this set and Data Protection.</summary>
    private const long Slack = 60;

    private readonly ConcurrentDictionary<Guid, long> _consumed = new();
    private long _nextPurge;

    /// <summary>Whether the step already succeeded (a quick refusal before any password work).</summary>
    public bool IsConsumed(Guid stepId) => _consumed.ContainsKey(stepId);

    /// <summary>Records a step as used, atomically: of two concurrent posts of one step, one gets true.</summary>
    /// <param name="stepId">The step.</param>
    /// <param name="expiresAt">When the step expires, Unix seconds.</param>
    /// <returns>True the first time; false when the step was already used, or the set is full.</returns>
    public bool TryConsume(Guid stepId, long expiresAt)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (now >= Volatile.Read(ref _nextPurge) || _consumed.Count >= Capacity)
        {
            Purge(now);
        }

        return _consumed.Count < Capacity && _consumed.TryAdd(stepId, expiresAt + Slack);
    }

    /// <summary>Drops expired entries; at most once a minute unless full.</summary>
    private void Purge(long now)
    {
        Volatile.Write(ref _nextPurge, now + 60);
        foreach (var (stepId, expiresAt) in _consumed)
        {
            if (expiresAt <= now)
            {
                _consumed.TryRemove(stepId, out _);
            }
        }
    }
}
