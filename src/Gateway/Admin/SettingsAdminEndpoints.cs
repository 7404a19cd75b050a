using FastGateway.Audit;
using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.Settings;

namespace FastGateway.Admin;

/// <summary>
/// <c>GET</c> and <c>PATCH /admin/v1/settings</c>: the default access-token lifetime and the authorization-code
/// lifetime (seconds), changed at runtime and persisted (<see cref="RuntimeSettings"/>); the next token or code uses them.
/// </summary>
internal sealed class SettingsAdminEndpoints(RuntimeSettings settings, AuditLog audit)
{
    /// <summary>Largest accepted JSON body, in bytes.</summary>
    public const long MaxBodyBytes = 4 * 1024;

    /// <summary>200 with the effective settings.</summary>
    public Task GetAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(settings.Current, GatewayJsonContext.Default.GatewaySettings);

    /// <summary>Changes the fields present; 200 with the effective settings, 400 with the reason when a value is out of range.</summary>
    public async Task PatchAsync(HttpContext context)
    {
        var change = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.GatewaySettings, MaxBodyBytes);
        if (change is null)
        {
            return;
        }

        if (RuntimeSettings.Validate(change) is { } problem)
        {
            audit.Settings("update", settings.AccessTokenLifetime, settings.AuthorizationCodeLifetime, "invalid");
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return;
        }

        var applied = settings.Apply(change);
        audit.Settings("update", applied.AccessTokenLifetime!.Value, applied.AuthorizationCodeLifetime!.Value, "ok");
        await context.Response.WriteAsJsonAsync(applied, GatewayJsonContext.Default.GatewaySettings);
    }
}
