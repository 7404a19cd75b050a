using FastGateway.Hosting;

namespace FastGateway.Observability;

// { get; set; }: the configuration-binding source generator (Native AOT) skips init-only properties.

/// <summary>Configuration section <c>AccessLog</c>: one JSON line per protected-API request (docs/observability-proxy.md).</summary>
internal sealed record AccessLogOptions
{
    /// <summary>Whether the access log is written. Default true. false removes its cost entirely: no queue, no writer, no per-request work.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The fraction of requests logged, 0 to 1 (each request drawn at random). Default 1: every request.</summary>
    [NumberRange(0, 1, ErrorMessage = "must be 0 to 1 (the fraction of requests logged)")]
    public double SampleRatio { get; set; } = 1;

    /// <summary>A file to append the lines to (relative paths from the working directory). Unset (the default): standard output.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Lines waiting for the writer, at most. When the queue is full (the output cannot keep up), a line is dropped and
    /// counted (<c>fastgateway.access_log.dropped</c>), never waited for. Default 16384.
    /// </summary>
    [NumberRange(1, 1_048_576, ErrorMessage = "must be 1 to 1048576 lines")]
    public int QueueLength { get; set; } = 16_384;
}
