using FastGateway.Hosting;
using FastGateway.Validation;

namespace FastGateway.Proxy;

/// <summary>The protected APIs: token validation per route, then forwarding to the API's upstream.</summary>
internal static class ProtectedApis
{
    /// <summary>Registers the validator, the forwarder and the upstreams of <c>Upstreams:&lt;api name&gt;</c>.</summary>
    /// <exception cref="InvalidOperationException">An upstream is missing or malformed.</exception>
    public static IServiceCollection AddProtectedApis(this IServiceCollection services, IConfiguration configuration, ProxyOptions proxyOptions)
    {
        // Built now so a missing or malformed upstream stops the start; the factory hands it to the container to dispose.
        var upstreams = UpstreamTable.FromConfiguration(configuration, proxyOptions);
        services.AddSingleton(_ => upstreams);
        services.AddSingleton<AccessValidator>();
        services.AddSingleton<HttpForwarder>();
        services.AddSingleton<ProtectedApiMiddleware>();
        return services;
    }

    /// <summary>Puts the proxy first: proxied requests skip the rest of the pipeline (the forwarder answers its own failures in JSON).</summary>
    public static WebApplication UseProtectedApis(this WebApplication app)
    {
        var proxy = app.Services.GetRequiredService<ProtectedApiMiddleware>();
        app.Use(next => context => proxy.InvokeAsync(context, next));
        return app;
    }
}
