using FastGateway.Json;

namespace FastGateway.Errors;

/// <summary>
/// The JSON body of every error FastGateway answers: <c>{"error": ..., "error_description": ...}</c>
/// (RFC 6749 section 5.2 shape), plus <c>scope</c> for <c>insufficient_scope</c> (RFC 6750 section 3.1).
/// </summary>
/// <param name="Error">A code from <see cref="ErrorCodes"/>.</param>
/// <param name="ErrorDescription">Human-readable text saying what was wrong; never contains secrets, tokens or the client's input. Kept
/// to RFC 6749's character set by <see cref="WriteAsync"/> (<see cref="ErrorDescriptions.Sanitize"/>).</param>
/// <param name="Scope">Scopes that would satisfy the request (space-separated), for <c>insufficient_scope</c> only.</param>
internal sealed record ErrorResponse(string Error, string ErrorDescription, string? Scope = null)
{

    /// <summary>Writes an error with <c>Cache-Control: no-store</c> (RFC 6749 section 5.1 for token responses; harmless elsewhere).</summary>
    /// <param name="context">The request.</param>
    /// <param name="statusCode">HTTP status, e.g. 400.</param>
    /// <param name="error">A code from <see cref="ErrorCodes"/>.</param>
    /// <param name="description">What was wrong; characters outside RFC 6749's set (section 5.2) are replaced.</param>
    /// <param name="scope">For <c>insufficient_scope</c>: the scopes that would do.</param>
    public static Task WriteAsync(HttpContext context, int statusCode, string error, string description, string? scope = null)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        return response.WriteAsJsonAsync(new ErrorResponse(error, ErrorDescriptions.Sanitize(description), scope), GatewayJsonContext.Default.ErrorResponse, contentType: "application/json; charset=utf-8");
    }
}
