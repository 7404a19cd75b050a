using Microsoft.Extensions.Options;

namespace FastGateway.Observability;

/// <summary>Registers what the protected-API path reports: the access log (section <c>AccessLog</c>), the bounded
/// client_id labels (<c>Telemetry:Metrics:MaxClientIds</c>) and the <see cref="ProxyObserver"/>.</summary>
internal static class ProxyObservability
{
    /// <summary>The key bounding the <c>fastgateway.client_id</c> label (<see cref="ClientIdLabels"/>).</summary>
    public const string MaxClientIdsKey = "Telemetry:Metrics:MaxClientIds";

    /// <summary>Binds <c>AccessLog</c> and adds the access log (a hosted service: its writer runs with the host) and the observer.</summary>
    /// <exception cref="OptionsValidationException"><c>Telemetry:Metrics:MaxClientIds</c> is out of range.</exception>
    public static IServiceCollection AddProxyObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AccessLogOptions>(configuration.GetSection("AccessLog"));
        var limit = configuration.GetValue<int?>(MaxClientIdsKey) ?? ClientIdLabels.DefaultLimit;
        if (limit is < 1 or > ClientIdLabels.MaxLimit)
        {
            throw new OptionsValidationException(MaxClientIdsKey, typeof(ClientIdLabels),
                [$"{MaxClientIdsKey} must be 1 to {ClientIdLabels.MaxLimit} (client ids labelled on their own; later ones read {ClientIdLabels.Other})"]);
        }

        services.AddSingleton(new ClientIdLabels(limit));
        services.AddSingleton<AccessLog>();
        services.AddHostedService(static provider => provider.GetRequiredService<AccessLog>());
        services.AddSingleton<ProxyObserver>();
        return services;
    }
}
