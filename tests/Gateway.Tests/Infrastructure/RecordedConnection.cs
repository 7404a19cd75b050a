namespace FastGateway.Tests.Infrastructure;

/// <summary>One connection the gateway opened to the <see cref="RecordingUpstream"/>.</summary>
public sealed class RecordedConnection(int number)
{
    private readonly List<byte> _received = [];
    private readonly List<RecordedRequest> _requests = [];
    private int _mark;

    /// <summary>1, 2, ... in accept order.</summary>
    public int Number { get; } = number;

    /// <summary>Every byte received on it.</summary>
    public byte[] Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The bytes received since the upstream's last Reset.</summary>
    public byte[] ReceivedSinceReset
    {
        get
        {
            lock (_received)
            {
                return [.. _received.Skip(_mark)];
            }
        }
    }

    /// <summary>The requests parsed from it, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_received)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Why the byte stream stopped parsing as HTTP/1.1 requests, if it did.</summary>
    public string? ParseError { get; internal set; }

    /// <summary>Whether the gateway closed it.</summary>
    public bool ClosedByPeer { get; internal set; }

    internal void MarkReset()
    {
        lock (_received)
        {
            _mark = _received.Count;
        }
    }

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_received)
        {
            _received.AddRange(bytes);
        }
    }

    internal void Add(RecordedRequest request)
    {
        lock (_received)
        {
            _requests.Add(request);
        }
    }
}
