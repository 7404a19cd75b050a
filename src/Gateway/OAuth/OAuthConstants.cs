namespace FastGateway.OAuth;

/// <summary>RFC 6749 grant type values (section 4) accepted in client metadata and at the token endpoint.</summary>
internal static class GrantTypes
{
    /// <summary>RFC 6749 section 4.1.</summary>
    public const string AuthorizationCode = "authorization_code";
    /// <summary>RFC 6749 section 4.2.</summary>
    public const string Implicit = "implicit";
    /// <summary>RFC 6749 section 4.3.</summary>
    public const string Password = "password";
    /// <summary>RFC 6749 section 4.4.</summary>
    public const string ClientCredentials = "client_credentials";
    /// <summary>RFC 6749 section 6.</summary>
    public const string RefreshToken = "refresh_token";

    /// <summary>Every grant type a client can be registered for.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        AuthorizationCode, Implicit, Password, ClientCredentials, RefreshToken,
    };
}

/// <summary>RFC 7591 section 2 <c>token_endpoint_auth_method</c> values.</summary>
internal static class TokenEndpointAuthMethods
{
    /// <summary>HTTP Basic (RFC 6749 section 2.3.1); the RFC 7591 default.</summary>
    public const string ClientSecretBasic = "client_secret_basic";
    /// <summary>client_id and client_secret in the form body (RFC 6749 section 2.3.1).</summary>
    public const string ClientSecretPost = "client_secret_post";
    /// <summary>Public client: no secret.</summary>
    public const string None = "none";
}
