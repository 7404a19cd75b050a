namespace FastGateway.OAuth;

/// <summary>
/// The authorization server metadata document, RFC 8414 section 2 (served per section 3 at
/// <c>/.well-known/oauth-authorization-server</c>). Every URL is absolute.
/// </summary>
/// <param name="Issuer">The issuer identifier (<c>OAuth:Issuer</c>, else the first listening address; never the request's Host).</param>
/// <param name="AuthorizationEndpoint">RFC 6749 section 3.1: <c>/oauth2/authorize</c>.</param>
/// <param name="TokenEndpoint">RFC 6749 section 3.2: <c>/oauth2/token</c>.</param>
/// <param name="IntrospectionEndpoint">RFC 7662: <c>/oauth2/introspect</c>.</param>
/// <param name="RevocationEndpoint">RFC 7009: <c>/oauth2/revoke</c>.</param>
/// <param name="ScopesSupported">The authorization-server scopes from <c>gateway.json</c>.</param>
/// <param name="ResponseTypesSupported"><c>code</c> and <c>token</c>.</param>
/// <param name="ResponseModesSupported"><c>query</c> and <c>fragment</c>.</param>
/// <param name="GrantTypesSupported">Every RFC 6749 grant.</param>
/// <param name="CodeChallengeMethodsSupported">RFC 7636: <c>S256</c>, plus <c>plain</c> when <c>OAuth:AllowPlainPkce</c>.</param>
/// <param name="TokenEndpointAuthMethodsSupported"><c>client_secret_basic</c>, <c>client_secret_post</c>, <c>none</c>.</param>
/// <param name="IntrospectionEndpointAuthMethodsSupported"><c>client_secret_basic</c>, <c>client_secret_post</c> (confidential clients only).</param>
/// <param name="RevocationEndpointAuthMethodsSupported"><c>client_secret_basic</c>, <c>client_secret_post</c>, <c>none</c>.</param>
/// <param name="AuthorizationResponseIssParameterSupported">RFC 9207 section 3: always true, every authorization response carries <c>iss</c>.</param>
internal sealed record AuthorizationServerMetadata(
    string Issuer,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string IntrospectionEndpoint,
    string RevocationEndpoint,
    IReadOnlyList<string> ScopesSupported,
    IReadOnlyList<string> ResponseTypesSupported,
    IReadOnlyList<string> ResponseModesSupported,
    IReadOnlyList<string> GrantTypesSupported,
    IReadOnlyList<string> CodeChallengeMethodsSupported,
    IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    IReadOnlyList<string> IntrospectionEndpointAuthMethodsSupported,
    IReadOnlyList<string> RevocationEndpointAuthMethodsSupported,
    bool AuthorizationResponseIssParameterSupported);
