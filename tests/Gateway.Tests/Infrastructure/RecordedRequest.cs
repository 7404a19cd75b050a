using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>One HTTP/1.1 request as the upstream parsed it; strings are the raw bytes read as Latin-1.</summary>
public sealed record RecordedRequest
{
    public int Connection { get; init; }

    /// <summary>1, 2, ... across all connections.</summary>
    public int Sequence { get; init; }

    public int IndexOnConnection { get; init; }

    public required string Method { get; init; }

    /// <summary>The request-target exactly as received (Latin-1).</summary>
    public required string Target { get; init; }

    public required string Version { get; init; }

    /// <summary>Field lines in order, name and value as received (value without leading/trailing SP/HTAB).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; }

    /// <summary>The head lines exactly as received (request line first), without line ends.</summary>
    public required IReadOnlyList<string> RawLines { get; init; }

    /// <summary>The head exactly as received, through the empty line.</summary>
    public required byte[] RawHead { get; init; }

    /// <summary>The decoded body.</summary>
    public required byte[] Body { get; init; }

    public string BodyText => Encoding.Latin1.GetString(Body);

    /// <summary>The first value of a field (name compared ignoring ASCII case), or null.</summary>
    public string? Field(string name) => Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every value of a field (name compared ignoring ASCII case).</summary>
    public IReadOnlyList<string> Values(string name) => [.. Fields.Where(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value)];

    /// <summary>How many field lines have this name once lowercased and with '_' read as '-' (what a CGI/WSGI-style upstream merges).</summary>
    public int CountNormalized(string name) => Fields.Count(f => Normalize(f.Key) == Normalize(name));

    public override string ToString() => RecordingUpstream.Escape(Encoding.Latin1.GetString(RawHead)) + (Body.Length > 0 ? "[body] " + RecordingUpstream.Escape(BodyText) : "");

    internal static string Normalize(string name) => name.Trim().Replace('_', '-').ToUpperInvariant();
}
