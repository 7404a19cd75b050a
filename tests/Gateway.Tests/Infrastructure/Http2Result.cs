using System.Text;

namespace FastGateway.Tests.Infrastructure;

/// <summary>How an HTTP/2 stream ended.</summary>
public sealed class Http2Result
{
    /// <summary>The response's decoded fields (pseudo-headers included), if a HEADERS block came.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; set; } = [];

    public List<byte> Body { get; } = [];

    /// <summary>RST_STREAM error code, if the stream was reset.</summary>
    public int? ResetError { get; set; }

    /// <summary>GOAWAY error code, if the connection was closed that way.</summary>
    public int? GoAwayError { get; set; }

    public bool ConnectionClosed { get; set; }

    public bool TimedOut { get; set; }

    /// <summary>The :status, or null when no response head came.</summary>
    public int? Status => Fields.FirstOrDefault(f => f.Key == ":status").Value is { } value && int.TryParse(value, out var status) ? status : null;

    public string BodyText => Encoding.UTF8.GetString([.. Body]);

    /// <summary>Whether the server refused the request: a 4xx, a reset, a GOAWAY or a closed connection (not a timeout, not 2xx/5xx).</summary>
    public bool Refused => Status is >= 400 and < 500 || (Status is null && (ResetError is not null || GoAwayError is not null || ConnectionClosed));

    public override string ToString() =>
        $"status={Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} rst={ResetError} goaway={GoAwayError} closed={ConnectionClosed} timeout={TimedOut} body={BodyText}";
}
