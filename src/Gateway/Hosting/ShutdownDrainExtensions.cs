namespace FastGateway.Hosting;

/// <summary>Registers <see cref="ShutdownDrain"/> and puts its <c>Connection: close</c> first in the pipeline.</summary>
internal static class ShutdownDrainExtensions
{
    /// <summary>Registers the drain.</summary>
    public static IServiceCollection AddShutdownDrain(this IServiceCollection services)
    {
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(services => services.GetRequiredService<ShutdownDrain>());
        return services;
    }

    /// <summary>While draining, every response carries <c>Connection: close</c> (Kestrel then closes after it). One volatile read per request otherwise.</summary>
    public static WebApplication UseShutdownDrain(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.Use(next => context =>
        {
            if (drain.IsDraining)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
        return app;
    }
}
