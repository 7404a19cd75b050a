namespace FastGateway.Errors;

/// <summary>
/// Every error code FastGateway puts in a JSON body's <c>error</c> field, in one place so logs, docs
/// and tests agree. OAuth codes keep the RFCs' spelling.
/// </summary>
internal static class ErrorCodes
{
    /// <summary>RFC 6749 section 5.2 / RFC 6750 section 3.1: the request is missing a parameter or is malformed (400).</summary>
    public const string InvalidRequest = "invalid_request";
    /// <summary>RFC 6749 section 5.2: client authentication failed (401).</summary>
    public const string InvalidClient = "invalid_client";
    /// <summary>RFC 6749 section 5.2: the grant is invalid, expired or revoked (400).</summary>
    public const string InvalidGrant = "invalid_grant";
    /// <summary>RFC 6749 section 5.2: the client may not use this grant type (400).</summary>
    public const string UnauthorizedClient = "unauthorized_client";
    /// <summary>RFC 6749 section 5.2: the server does not support this grant type (400).</summary>
    public const string UnsupportedGrantType = "unsupported_grant_type";
    /// <summary>RFC 6749 section 5.2: a requested scope is unknown or not allowed for the client (400).</summary>
    public const string InvalidScope = "invalid_scope";
    /// <summary>RFC 6749 section 4.1.2.1: the authorization endpoint does not support this response_type.</summary>
    public const string UnsupportedResponseType = "unsupported_response_type";
    /// <summary>RFC 6749 section 4.1.2.1: the resource owner denied the request (or granted no scope).</summary>
    public const string AccessDenied = "access_denied";
    /// <summary>RFC 6750 section 3.1: the access token is unknown, expired, revoked or malformed (401).</summary>
    public const string InvalidToken = "invalid_token";
    /// <summary>RFC 6750 section 3.1: the token lacks a scope the resource needs (403).</summary>
    public const string InsufficientScope = "insufficient_scope";
    /// <summary>RFC 7591 section 3.2.2: a client-metadata field is invalid (400).</summary>
    public const string InvalidClientMetadata = "invalid_client_metadata";
    /// <summary>RFC 7591 section 3.2.2: a redirect URI is invalid (400).</summary>
    public const string InvalidRedirectUri = "invalid_redirect_uri";
    /// <summary>A protected resource was called without a bearer token (401; the challenge carries no error code, RFC 6750 section 3.1).</summary>
    public const string MissingToken = "missing_token";
    /// <summary>The gateway's own endpoint does not accept this method (405).</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>An unexpected failure inside the gateway (500); details are in its log.</summary>
    public const string ServerError = "server_error";
    /// <summary>No API resource matches the method and path (404).</summary>
    public const string NotFound = "not_found";
    /// <summary>The upstream could not be reached or broke the exchange (502).</summary>
    public const string BadGateway = "bad_gateway";
    /// <summary>The upstream did not answer in time (504).</summary>
    public const string GatewayTimeout = "gateway_timeout";
    /// <summary>The admin API is off because no <c>Admin:ApiKey</c> is configured (403).</summary>
    public const string AdminApiDisabled = "admin_api_disabled";
    /// <summary>The request body is larger than the endpoint accepts (413).</summary>
    public const string RequestTooLarge = "request_too_large";
    /// <summary>The token store is not recovered yet (503).</summary>
    public const string NotReady = "not_ready";
    /// <summary>Too many failed credential checks for this client, username or remote address (429 with <c>Retry-After</c>; RFC 6749 section 10.10).</summary>
    public const string TooManyRequests = "too_many_requests";
    /// <summary>The username is locked for a while after repeated failed password checks (429 with <c>Retry-After</c>).</summary>
    public const string TemporarilyLocked = "temporarily_locked";
    /// <summary>RFC 6749 section 4.1.2.1: the server is overloaded, here with password checks (503 with <c>Retry-After</c>).</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";
    /// <summary>The client is over its quota on the protected APIs (client metadata <c>rate_limit</c>): 429 with <c>Retry-After</c>.</summary>
    public const string RateLimitExceeded = "rate_limit_exceeded";
}
