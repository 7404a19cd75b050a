namespace FastGateway.OAuth;

/// <summary>
/// Registers and maps introspection (RFC 7662), revocation (RFC 7009), the metadata document (RFC 8414)
/// and the webMethods/Apigee compatibility aliases, so <c>GatewayApp</c> wires them in two lines.
/// </summary>
internal static class AuthorizationServerEndpoints
{
    /// <summary>Adds the endpoints' services.</summary>
    public static IServiceCollection AddIntrospectionRevocationAndMetadata(this IServiceCollection services)
    {
        services.AddSingleton<IntrospectionEndpoint>();
        services.AddSingleton<RevocationEndpoint>();
        services.AddSingleton<MetadataEndpoint>();
        return services;
    }

    /// <summary>
    /// Maps <c>POST /oauth2/introspect</c>, <c>POST /oauth2/revoke</c>,
    /// <c>GET /.well-known/oauth-authorization-server</c> and the aliases of <see cref="CompatibilityAliases"/>.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="tokenEndpoint">The token endpoint's handler, which the token aliases run as is.</param>
    public static WebApplication MapIntrospectionRevocationAndMetadata(this WebApplication app, RequestDelegate tokenEndpoint)
    {
        RequestDelegate introspection = app.Services.GetRequiredService<IntrospectionEndpoint>().HandleAsync;
        RequestDelegate revocation = app.Services.GetRequiredService<RevocationEndpoint>().HandleAsync;
        app.MapPost(MetadataEndpoint.Paths.Introspect, introspection);
        app.MapPost(MetadataEndpoint.Paths.Revoke, revocation);
        app.MapGet(MetadataEndpoint.Path, app.Services.GetRequiredService<MetadataEndpoint>().HandleAsync);
        CompatibilityAliases.Map(app, tokenEndpoint, introspection, revocation);
        return app;
    }
}
