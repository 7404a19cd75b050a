using FastGateway.Definition;
using FastGateway.Json;

namespace FastGateway.Admin;

/// <summary><c>GET /admin/v1/definition</c>: the definition compiled into the running binary, with its hash
/// (<see cref="CompiledDefinition"/>), the same document as <c>FastGateway definition --json</c>.</summary>
internal static class DefinitionAdminEndpoints
{
    /// <summary>200 with the <see cref="FastGateway.Contracts.Admin.DefinitionResponse"/>.</summary>
    public static Task GetAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(CompiledDefinition.Document, GatewayJsonContext.Default.DefinitionResponse);
}
