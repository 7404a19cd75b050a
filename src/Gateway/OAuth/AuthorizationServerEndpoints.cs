using FastGateway.Hosting;

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
        services.AddSingleton<HttpsRequirement>();
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
        var https = app.Services.GetRequiredService<HttpsRequirement>();
        RequestDelegate introspection = app.Services.GetRequiredService<IntrospectionEndpoint>().HandleAsync;
        RequestDelegate revocation = app.Services.GetRequiredService<RevocationEndpoint>().HandleAsync;
        app.MapPost("/oauth2/token", https.Wrap(tokenEndpoint));
        app.MapPost(MetadataEndpoint.Paths.Introspect, https.Wrap(introspection));
        app.MapPost(MetadataEndpoint.Paths.Revoke, https.Wrap(revocation));
        app.MapGet(MetadataEndpoint.Path, https.Wrap(app.Services.GetRequiredService<MetadataEndpoint>().HandleAsync));
        CompatibilityAliases.Map(app, tokenEndpoint, introspection, revocation, https);
        return app;
    }
}
