using System.Diagnostics.Metrics;
using FastGateway.Errors;
using FastGateway.OAuth;

namespace FastGateway.Observability;

/// <summary>
/// The authorization server's outcomes (docs/observability.md): token issuance by grant type and outcome, and the
/// introspection (RFC 7662) and revocation (RFC 7009) endpoints by outcome.
/// </summary>
/// <remarks>
/// Cardinality is bounded here, not by the caller: <c>oauth.grant_type</c> is one of the four grant types the token
/// endpoint serves, else <c>_OTHER</c> (whatever a client sends); <c>fastgateway.outcome</c> is one of the values of
/// <see cref="Outcome"/>'s list, else <c>_OTHER</c>. At most 5 x 16 series per counter.
/// </remarks>
internal static class OAuthMetrics
{
    /// <summary>The grant-type tag: <c>authorization_code</c>, <c>client_credentials</c>, <c>password</c>, <c>refresh_token</c> or <c>_OTHER</c>.</summary>
    public const string GrantTypeTag = "oauth.grant_type";

    /// <summary>The outcome tag: <c>issued</c>, <c>active</c>, <c>inactive</c>, <c>revoked</c>, or the RFC 6749 section 5.2 error code.</summary>
    public const string OutcomeTag = GatewayTelemetry.OutcomeTag;

    /// <summary>The value of a tag outside its known set.</summary>
    public const string Other = GatewayTelemetry.Other;

    /// <summary>Outcome of a token request that returned tokens.</summary>
    public const string Issued = "issued";

    /// <summary>Outcome of an introspection that answered <c>"active": true</c>.</summary>
    public const string Active = "active";

    /// <summary>Outcome of an introspection that answered <c>"active": false</c>.</summary>
    public const string Inactive = "inactive";

    /// <summary>Outcome of a revocation that answered 200 (RFC 7009 section 2.2: unknown tokens too).</summary>
    public const string Revoked = "revoked";

    private static readonly Counter<long> TokenRequests = GatewayTelemetry.Meter.CreateCounter<long>(
        "fastgateway.oauth.token.requests", "{request}", "Token endpoint requests (RFC 6749 section 3.2) by grant type and outcome.");

    private static readonly Counter<long> IntrospectionRequests = GatewayTelemetry.Meter.CreateCounter<long>(
        "fastgateway.oauth.introspection.requests", "{request}", "Introspection requests (RFC 7662) by outcome.");

    private static readonly Counter<long> RevocationRequests = GatewayTelemetry.Meter.CreateCounter<long>(
        "fastgateway.oauth.revocation.requests", "{request}", "Revocation requests (RFC 7009) by outcome.");

    /// <summary>Counts one token request.</summary>
    /// <param name="grantType">The <c>grant_type</c> parameter as sent, or null when the request had none (or was not read that far).</param>
    /// <param name="outcome"><see cref="Issued"/> or an <see cref="ErrorCodes"/> value.</param>
    public static void TokenRequest(string? grantType, string outcome)
    {
        if (TokenRequests.Enabled)
        {
            TokenRequests.Add(1, new KeyValuePair<string, object?>(GrantTypeTag, GrantType(grantType)), new KeyValuePair<string, object?>(OutcomeTag, Outcome(outcome)));
        }
    }

    /// <summary>Counts one introspection request.</summary>
    /// <param name="outcome"><see cref="Active"/>, <see cref="Inactive"/> or an <see cref="ErrorCodes"/> value.</param>
    public static void IntrospectionRequest(string outcome)
    {
        if (IntrospectionRequests.Enabled)
        {
            IntrospectionRequests.Add(1, new KeyValuePair<string, object?>(OutcomeTag, Outcome(outcome)));
        }
    }

    /// <summary>Counts one revocation request.</summary>
    /// <param name="outcome"><see cref="Revoked"/> or an <see cref="ErrorCodes"/> value.</param>
    public static void RevocationRequest(string outcome)
    {
        if (RevocationRequests.Enabled)
        {
            RevocationRequests.Add(1, new KeyValuePair<string, object?>(OutcomeTag, Outcome(outcome)));
        }
    }

    /// <summary>
    /// The error code of a response the shared request readers already wrote (form too large or malformed, client
    /// authentication failed, a throttle refused), told by its status: those readers write only these.
    /// </summary>
    public static string ErrorFromStatus(int statusCode) => statusCode switch
    {
        401 => ErrorCodes.InvalidClient,
        413 => ErrorCodes.RequestTooLarge,
        429 => ErrorCodes.TooManyRequests,
        503 => ErrorCodes.TemporarilyUnavailable,
        >= 500 => ErrorCodes.ServerError,
        _ => ErrorCodes.InvalidRequest,
    };

    private static string GrantType(string? grantType) => grantType switch
    {
        GrantTypes.AuthorizationCode => GrantTypes.AuthorizationCode,
        GrantTypes.ClientCredentials => GrantTypes.ClientCredentials,
        GrantTypes.Password => GrantTypes.Password,
        GrantTypes.RefreshToken => GrantTypes.RefreshToken,
        _ => Other,
    };

    // Returns the constant, not the argument: the tag value is always one of these strings.
    private static string Outcome(string outcome) => outcome switch
    {
        Issued => Issued,
        Active => Active,
        Inactive => Inactive,
        Revoked => Revoked,
        ErrorCodes.InvalidRequest => ErrorCodes.InvalidRequest,
        ErrorCodes.InvalidClient => ErrorCodes.InvalidClient,
        ErrorCodes.InvalidGrant => ErrorCodes.InvalidGrant,
        ErrorCodes.UnauthorizedClient => ErrorCodes.UnauthorizedClient,
        ErrorCodes.UnsupportedGrantType => ErrorCodes.UnsupportedGrantType,
        ErrorCodes.InvalidScope => ErrorCodes.InvalidScope,
        ErrorCodes.TooManyRequests => ErrorCodes.TooManyRequests,
        ErrorCodes.TemporarilyLocked => ErrorCodes.TemporarilyLocked,
        ErrorCodes.TemporarilyUnavailable => ErrorCodes.TemporarilyUnavailable,
        ErrorCodes.RequestTooLarge => ErrorCodes.RequestTooLarge,
        ErrorCodes.ServerError => ErrorCodes.ServerError,
        _ => Other,
    };
}
