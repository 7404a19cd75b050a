using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Json;
using Microsoft.Extensions.Options;

namespace FastGateway.OAuth;

/// <summary>
/// The authorization server metadata endpoint, <c>GET /.well-known/oauth-authorization-server</c>
/// (RFC 8414 section 3): where a client library discovers every other endpoint.
/// </summary>
/// <remarks>
/// The issuer is <see cref="IssuerIdentifier"/>: <c>OAuth:Issuer</c>, never the request's <c>Host</c>. Endpoint URLs are the issuer plus the fixed paths of
/// <see cref="Paths"/>. Plain HTTP is refused with 400 <c>invalid_request</c> while
/// <c>OAuth:RequireHttps</c> is true, like every OAuth endpoint.
/// </remarks>
internal sealed class MetadataEndpoint(IOptions<OAuthOptions> oauth, IssuerIdentifier issuerIdentifier)
{
    /// <summary>RFC 8414 section 3: the well-known path.</summary>
    public const string Path = "/.well-known/oauth-authorization-server";

    private static readonly string[] ScopeNames = [.. GatewayDefinition.Scopes.Select(s => s.Name)];
    private static readonly string[] ResponseTypes = ["code", "token"];
    private static readonly string[] ResponseModes = ["query", "fragment"];
    private static readonly string[] GrantTypeValues =
        [GrantTypes.AuthorizationCode, GrantTypes.Implicit, GrantTypes.Password, GrantTypes.ClientCredentials, GrantTypes.RefreshToken];
    private static readonly string[] S256Only = ["S256"];
    private static readonly string[] S256AndPlain = ["S256", "plain"];
    private static readonly string[] AllAuthMethods =
        [TokenEndpointAuthMethods.ClientSecretBasic, TokenEndpointAuthMethods.ClientSecretPost, TokenEndpointAuthMethods.None];
    private static readonly string[] SecretAuthMethods =
        [TokenEndpointAuthMethods.ClientSecretBasic, TokenEndpointAuthMethods.ClientSecretPost];

    /// <summary>Serves the document.</summary>
    public Task HandleAsync(HttpContext context)
    {
        return context.Response.WriteAsJsonAsync(Build(), GatewayJsonContext.Default.AuthorizationServerMetadata, contentType: "application/json; charset=utf-8");
    }

    /// <summary>Builds the document.</summary>
    internal AuthorizationServerMetadata Build()
    {
        var issuer = issuerIdentifier.Value;
        return new AuthorizationServerMetadata(
            Issuer: issuer,
            AuthorizationEndpoint: issuer + Paths.Authorize,
            TokenEndpoint: issuer + Paths.Token,
            IntrospectionEndpoint: issuer + Paths.Introspect,
            RevocationEndpoint: issuer + Paths.Revoke,
            ScopesSupported: ScopeNames,
            ResponseTypesSupported: ResponseTypes,
            ResponseModesSupported: ResponseModes,
            GrantTypesSupported: GrantTypeValues,
            CodeChallengeMethodsSupported: oauth.Value.AllowPlainPkce ? S256AndPlain : S256Only,
            TokenEndpointAuthMethodsSupported: AllAuthMethods,
            IntrospectionEndpointAuthMethodsSupported: SecretAuthMethods,
            RevocationEndpointAuthMethodsSupported: AllAuthMethods,
            AuthorizationResponseIssParameterSupported: true);
    }

    /// <summary>The standard endpoint paths the document advertises (the stable external interface).</summary>
    internal static class Paths
    {
        /// <summary>Authorization endpoint (RFC 6749 section 3.1).</summary>
        public const string Authorize = "/oauth2/authorize";
        /// <summary>Token endpoint (RFC 6749 section 3.2).</summary>
        public const string Token = "/oauth2/token";
        /// <summary>Introspection endpoint (RFC 7662).</summary>
        public const string Introspect = "/oauth2/introspect";
        /// <summary>Revocation endpoint (RFC 7009).</summary>
        public const string Revoke = "/oauth2/revoke";
    }
}
