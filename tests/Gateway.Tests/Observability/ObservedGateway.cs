using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Observability;

/// <summary>
/// An in-process gateway in front of a <see cref="RecordingUpstream"/>, with the admin API on, and a
/// <see cref="MeterListener"/> on the gateway's meter that keeps every measurement. The listener sees every gateway in
/// the test process, so tests pick their own measurements out by a tag only they use (their own client_id).
/// </summary>
internal sealed class ObservedGateway : IAsyncDisposable
{
    private readonly MeterListener _meters = new();

    private ObservedGateway(RecordingUpstream upstream) => Upstream = upstream;

    public RecordingUpstream Upstream { get; }

    public InProcessGateway Gateway { get; private set; } = null!;

    public HttpClient Http => Gateway.Http;

    /// <summary>Every measurement of the FastGateway meter since the start.</summary>
    public ConcurrentQueue<Measured> Measurements { get; } = new();

    public static async Task<ObservedGateway> StartAsync(params string[] arguments)
    {
        var upstream = new RecordingUpstream();
        // The listener first: instruments are enabled before the first request, as with an SDK in the real process.
        var observed = new ObservedGateway(upstream);
        observed._meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "FastGateway")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        observed._meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => observed.Measurements.Enqueue(new(instrument.Name, value, ToDictionary(tags))));
        observed._meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => observed.Measurements.Enqueue(new(instrument.Name, value, ToDictionary(tags))));
        observed._meters.Start();
        observed.Gateway = await InProcessGateway.StartAsync([$"--Admin:ApiKey={GatewayProcess.AdminKey}", $"--Upstreams:timetravels={upstream.Url}", .. arguments]);
        return observed;
    }

    /// <summary>Collects the observable instruments (the pool gauge) now.</summary>
    public void Observe() => _meters.RecordObservableInstruments();

    /// <summary>Waits until <paramref name="found"/> holds: a request is observed after its response is sent.</summary>
    public async Task<IReadOnlyList<Measured>> WaitForAsync(Func<Measured, bool> found, int count = 1)
    {
        for (var i = 0; i < 200; i++)
        {
            var matches = Measurements.Where(found).ToList();
            if (matches.Count >= count)
            {
                return matches;
            }

            await Task.Delay(50);
        }

        return Measurements.Where(found).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        await Gateway.DisposeAsync();
        Upstream.Dispose();
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            dictionary[key] = value;
        }

        return dictionary;
    }
}

/// <summary>One measurement: instrument name, value, tags.</summary>
internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}
