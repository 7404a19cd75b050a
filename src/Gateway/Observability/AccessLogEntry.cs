namespace FastGateway.Observability;

/// <summary>
/// What the access log records of one request, taken on the request thread without allocating: every string is one the
/// request already holds. Formatted into JSON later, by the writer (<see cref="AccessLog"/>).
/// </summary>
/// <param name="Time">When the response ended (UTC).</param>
/// <param name="RequestId">The request id (<see cref="RequestTrace.RequestId"/>).</param>
/// <param name="ClientId">The token's client_id, or null when no valid token was presented.</param>
/// <param name="Owner">The token's resource owner, or null.</param>
/// <param name="Api">The API's name.</param>
/// <param name="Route">The route template, or null when no resource matched.</param>
/// <param name="Method">The request method as sent.</param>
/// <param name="RawTarget">The client's raw request-target; only the path before <paramref name="PathEnd"/> is written (never the query).</param>
/// <param name="PathEnd">Where the path ends in <paramref name="RawTarget"/> (the query's <c>?</c> or the end).</param>
/// <param name="Status">The response status code.</param>
/// <param name="Duration">From the request head to the end of the response, in seconds.</param>
/// <param name="UpstreamDuration">The upstream exchange in seconds, or a negative value when nothing was sent upstream.</param>
/// <param name="BytesIn">Request body bytes (its Content-Length), or -1 when unknown (a chunked body).</param>
/// <param name="BytesOut">Response body bytes (its Content-Length), or -1 when unknown (chunked or close-delimited, or written by the gateway).</param>
internal readonly record struct AccessLogEntry(
    DateTime Time, string? RequestId, string? ClientId, string? Owner, string Api, string? Route, string Method, string RawTarget, int PathEnd,
    int Status, double Duration, double UpstreamDuration, long BytesIn, long BytesOut);
