namespace FastGateway.OpenApi;

/// <summary>
/// Stands in for <c>src/Gateway/OpenApi/GatewayOpenApi.cs</c> in the net9.0 AOT check: the OpenAPI document needs
/// Microsoft.AspNetCore.OpenApi 10, which targets net10.0 only. Without it, <c>/openapi/v1.json</c> is 404.
/// </summary>
internal static class GatewayOpenApi
{
    /// <summary>Registers nothing.</summary>
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) => services;

    /// <summary>Maps nothing.</summary>
    public static WebApplication MapGatewayOpenApi(this WebApplication app) => app;
}
