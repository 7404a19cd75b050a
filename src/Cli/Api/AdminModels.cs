namespace FastGateway.Cli.Api;

// The admin API's request and answer shapes are FastGateway.Contracts.Admin, shared with the gateway; CliJsonContext
// gives them the tool's own policy (snake_case, unknown members ignored so a newer gateway does not break an older
// tool, null members left out of requests so a PATCH sends only what was set).

/// <summary>
/// The gateway's error body: <c>{"error": ..., "error_description": ...}</c>. Kept here rather than shared: the gateway's
/// ErrorResponse is the OAuth error shape of every endpoint (with <c>scope</c>, RFC 6750) and stays in the gateway; the
/// tool only reads these two members, also from answers that are not the gateway's (a proxy in between).
/// </summary>
internal sealed record ErrorBody(string? Error, string? ErrorDescription);
