using FastGateway.Hosting;
using FastGateway.OpenApi;

namespace FastGateway.OAuth;

/// <summary>
/// The authorization server: the authorization endpoint and its pages, the token endpoint and its grants,
/// introspection (RFC 7662), revocation (RFC 7009), the metadata document (RFC 8414) and the webMethods/Apigee
/// compatibility aliases.
/// </summary>
internal static class AuthorizationServerEndpoints
{
    /// <summary>Adds the endpoints' services.</summary>
    /// <exception cref="InvalidOperationException">A page template is missing or invalid.</exception>
    public static IServiceCollection AddAuthorizationServer(this IServiceCollection services, IConfiguration configuration, string storagePath)
    {
        services.Configure<CompatibilityOptions>(configuration.GetSection("Compatibility"));
        services.AddSingleton<HttpsRequirement>();
        services.AddSingleton<IssuerIdentifier>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<AuthorizationCodes>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<Grants.ClientCredentialsGrant>();
        services.AddSingleton<Grants.AuthorizationCodeGrant>();
        services.AddSingleton<Grants.PasswordGrant>();
        services.AddSingleton<Grants.RefreshTokenGrant>();
        services.AddSingleton<IntrospectionEndpoint>();
        services.AddSingleton<RevocationEndpoint>();
        services.AddSingleton<MetadataEndpoint>();
        Authorize.AuthorizeEndpoint.AddServices(services, configuration, storagePath);
        return services;
    }

    /// <summary>
    /// Maps <c>GET/POST /oauth2/authorize</c>, <c>POST /oauth2/token</c>, <c>POST /oauth2/introspect</c>,
    /// <c>POST /oauth2/revoke</c>, <c>GET /.well-known/oauth-authorization-server</c> and the aliases of
    /// <see cref="CompatibilityAliases"/>. Resolves the issuer now, so an invalid <c>OAuth:Issuer</c> stops the start.
    /// </summary>
    public static WebApplication MapAuthorizationServer(this WebApplication app)
    {
        app.Services.GetRequiredService<IssuerIdentifier>();
        var token = app.Services.GetRequiredService<TokenEndpoint>();
        RequestDelegate tokenEndpoint = token.HandleAsync;
        var https = app.Services.GetRequiredService<HttpsRequirement>();
        RequestDelegate introspection = app.Services.GetRequiredService<IntrospectionEndpoint>().HandleAsync;
        RequestDelegate revocation = app.Services.GetRequiredService<RevocationEndpoint>().HandleAsync;
        app.MapPost(MetadataEndpoint.Paths.Token, https.Wrap(tokenEndpoint)).DocumentToken("Token endpoint (RFC 6749 section 3.2)");
        app.MapPost(MetadataEndpoint.Paths.Introspect, https.Wrap(introspection)).DocumentIntrospection("Introspection (RFC 7662)");
        app.MapPost(MetadataEndpoint.Paths.Revoke, https.Wrap(revocation)).DocumentRevocation("Revocation (RFC 7009)");
        app.MapGet(MetadataEndpoint.Path, https.Wrap(app.Services.GetRequiredService<MetadataEndpoint>().HandleAsync))
            .DocumentOAuth("Authorization server metadata (RFC 8414)", "RFC 8414 section 3: every endpoint URL, the supported grants, response types, PKCE methods, client authentication methods and scopes. The issuer is `OAuth:Issuer`, else the gateway's first listening address (never the request's Host).")
            .Returns<AuthorizationServerMetadata>();
        CompatibilityAliases.Map(app, tokenEndpoint, token.HandleApigeeAsync, introspection, revocation, https);
        Authorize.AuthorizeEndpoint.Map(app);
        return app;
    }

    /// <summary>Documents a token endpoint (the standard one or an alias); <paramref name="apigeeShape"/>: its 200 is <see cref="ApigeeTokenResponse"/>.</summary>
    internal static IEndpointConventionBuilder DocumentToken(this IEndpointConventionBuilder endpoint, string summary, string? note = null, bool apigeeShape = false) => endpoint
        .DocumentOAuth(summary, note + "RFC 6749 section 3.2: every grant (authorization_code with PKCE, password, client_credentials, refresh_token with rotation and reuse detection). "
            + "Errors per section 5.2 with `Cache-Control: no-store`; `invalid_client` is 401 with `WWW-Authenticate: Basic realm=\"FastGateway\"`, also when the client used a method other than its registered `token_endpoint_auth_method`.", authenticatesClient: true)
        .AcceptsForm(OAuthFormFields.Token)
        .ReturnsToken(apigeeShape)
        .Errors(503);

    private static IEndpointConventionBuilder ReturnsToken(this IEndpointConventionBuilder endpoint, bool apigeeShape) =>
        apigeeShape ? endpoint.Returns<ApigeeTokenResponse>() : endpoint.Returns<TokenResponse>();

    /// <summary>Documents an introspection endpoint (the standard one or an alias).</summary>
    internal static IEndpointConventionBuilder DocumentIntrospection(this IEndpointConventionBuilder endpoint, string summary, string? note = null) => endpoint
        .DocumentOAuth(summary, note + "RFC 7662 section 2: a confidential client with the introspection permission (client metadata `introspection: true`: a resource server or a Microgateway's client) may introspect any token; other clients get 403 `unauthorized_client`, public clients 401 `invalid_client`. "
            + "Unknown, expired, revoked and consumed tokens answer 200 `{\"active\":false}`.", authenticatesClient: true)
        .AcceptsForm(OAuthFormFields.TokenParameter)
        .Returns<IntrospectionResponse>()
        .Errors(403);

    /// <summary>Documents a revocation endpoint (the standard one or an alias).</summary>
    internal static IEndpointConventionBuilder DocumentRevocation(this IEndpointConventionBuilder endpoint, string summary, string? note = null) => endpoint
        .DocumentOAuth(summary, note + "RFC 7009 section 2: revokes the caller's own access or refresh token (a refresh token revokes its whole grant). "
            + "Unknown tokens answer 200; another client's token is refused with 400 `unauthorized_client` (section 2.1) and left alone. The 200 is sent once the revocation is durable.", authenticatesClient: true)
        .AcceptsForm(OAuthFormFields.TokenParameter)
        .ReturnsEmpty(200, "Revoked, or nothing to revoke (RFC 7009 section 2.2); empty body.");
}
