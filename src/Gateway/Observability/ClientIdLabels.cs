using System.Collections.Concurrent;

namespace FastGateway.Observability;

/// <summary>
/// Bounds the <c>fastgateway.client_id</c> label: the first <see cref="Limit"/> distinct client ids seen get a value of
/// their own, every later one reads <see cref="Other"/>. A label set per client cannot then grow with the number of
/// registered clients (or with clients deleted and re-created), however many there are.
/// </summary>
/// <remarks>
/// First come, first served, for the life of the process: on a gateway with more clients than the limit, which ones
/// are named depends on traffic order, so raise <c>Telemetry:Metrics:MaxClientIds</c> rather than read
/// <see cref="Other"/> as one client. A lookup is one dictionary probe on the client's own client_id string, without
/// allocating; a client is added once.
/// </remarks>
internal sealed class ClientIdLabels(int limit)
{
    /// <summary>The label of a client beyond the limit.</summary>
    public const string Other = GatewayTelemetry.Other;

    /// <summary>Default for <c>Telemetry:Metrics:MaxClientIds</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest <c>Telemetry:Metrics:MaxClientIds</c>: beyond it, one histogram per route and client is no longer a metric.</summary>
    public const int MaxLimit = 10_000;

    private readonly ConcurrentDictionary<string, string> _named = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many client ids get a label of their own.</summary>
    public int Limit { get; } = limit;

    /// <summary>The label of <paramref name="clientId"/>: itself when it is among the first <see cref="Limit"/> seen, else <see cref="Other"/>.</summary>
    public string Label(string clientId)
    {
        if (_named.TryGetValue(clientId, out var label))
        {
            return label;
        }

        return Admit(clientId);
    }

    // Cold: a client id seen for the first time.
    private string Admit(string clientId)
    {
        if (Interlocked.Increment(ref _count) > Limit)
        {
            Interlocked.Decrement(ref _count);
            return Other;
        }

        if (!_named.TryAdd(clientId, clientId))
        {
            // Another request admitted it first: give the slot back.
            Interlocked.Decrement(ref _count);
        }

        return clientId;
    }
}
