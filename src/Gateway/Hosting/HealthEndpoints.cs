using FastGateway.Json;
using FastGateway.OpenApi;
using FastGateway.TokenStore;

namespace FastGateway.Hosting;

/// <summary>Liveness and readiness: <c>GET /healthz</c> and <c>GET /readyz</c>.</summary>
internal static class HealthEndpoints
{
    /// <summary>Maps both probes.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        var tokenStore = app.Services.GetRequiredService<FasterTokenStore>();
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.MapGet("/healthz", context => context.Response.WriteAsJsonAsync(new HealthResponse("live"), GatewayJsonContext.Default.HealthResponse))
            .DocumentHealth("Liveness", "200 `{\"status\":\"live\"}` while the process runs.")
            .Returns<HealthResponse>();
        app.MapGet("/readyz", context =>
        {
            var status = drain.IsDraining ? "draining" : tokenStore.IsReady ? "ready" : "not_ready";
            context.Response.StatusCode = status == "ready" ? 200 : 503;
            return context.Response.WriteAsJsonAsync(new HealthResponse(status), GatewayJsonContext.Default.HealthResponse);
        })
            .DocumentHealth("Readiness", "200 `{\"status\":\"ready\"}` once the token store is recovered, else 503 `{\"status\":\"not_ready\"}`, or 503 `{\"status\":\"draining\"}` while stopping for a successor (docs/deployment.md).")
            .Returns<HealthResponse>()
            .Returns<HealthResponse>(503);
        return app;
    }
}
