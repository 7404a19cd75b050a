namespace FastGateway.Observability;

/// <summary>Registers what the protected-API path reports: the access log (section <c>AccessLog</c>), the bounded
/// client_id labels (<c>Telemetry:Metrics:MaxClientIds</c>) and the <see cref="ProxyObserver"/>.</summary>
internal static class ProxyObservability
{
    /// <summary>Binds <c>AccessLog</c> and adds the access log (a hosted service: its writer runs with the host) and the observer.</summary>
    /// <remarks><c>Telemetry:Metrics:MaxClientIds</c> is checked at start with the other Telemetry keys (<see cref="TelemetryMetricsOptions"/>).</remarks>
    public static IServiceCollection AddProxyObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AccessLogOptions>(configuration.GetSection("AccessLog"));
        var limit = configuration.GetSection("Telemetry:Metrics").Get<TelemetryMetricsOptions>()?.MaxClientIds ?? ClientIdLabels.DefaultLimit;
        services.AddSingleton(new ClientIdLabels(limit));
        services.AddSingleton<AccessLog>();
        services.AddHostedService(static provider => provider.GetRequiredService<AccessLog>());
        services.AddSingleton<ProxyObserver>();
        return services;
    }
}
