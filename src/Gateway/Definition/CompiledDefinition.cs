using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FastGateway.Contracts;
using FastGateway.Contracts.Admin;
using FastGateway.Generated;

namespace FastGateway.Definition;

/// <summary>
/// The definition compiled into this binary (<see cref="GatewayDefinition"/>'s tables), as a document and as text that
/// diffs line by line: <c>FastGateway definition</c> and <c>GET /admin/v1/definition</c>.
/// </summary>
/// <remarks>
/// The hash is computed here, at run time, from the generated tables (once, microseconds), rather than by the source
/// generator: it then describes exactly the tables the binary serves, whatever the generator did to produce them, and
/// the canonical form has one implementation, the text an operator reads. Every line stands alone (it repeats its API's
/// name), so a diff of two builds' output shows each change with its context.
/// <code>
/// definition sha256:&lt;hex of SHA-256 over the lines below&gt;
/// api timetravels base_path=/timetravels upstream=Upstreams:timetravels display_name="Time travels"
/// resource timetravels GET /bookings api_scopes=ViewTickets
/// api_scope timetravels/ViewTickets resources="GET /bookings, GET /bookings/{id}"
/// scope view api_scopes=timetravels/ViewTickets description="See your bookings"
/// </code>
/// </remarks>
internal static class CompiledDefinition
{
    private static readonly Lazy<(DefinitionResponse Document, string Text)> Built = new(Build);

    /// <summary>The document (<c>--json</c>, the admin API).</summary>
    public static DefinitionResponse Document => Built.Value.Document;

    /// <summary>The text form: the hash line, then the canonical lines, each ending in <c>\n</c>.</summary>
    public static string Text => Built.Value.Text;

    private static (DefinitionResponse, string) Build()
    {
        var apis = new List<DefinitionApi>();
        for (var i = 0; i < GatewayDefinition.Apis.Count; i++)
        {
            var api = GatewayDefinition.Apis[i];
            var resources = GatewayDefinition.Resources.Where(resource => resource.ApiIndex == i)
                .Select(resource => new DefinitionResource(Method(resource.Method), resource.PathTemplate, Sorted(resource.ApiScopes)))
                .OrderBy(resource => resource.PathTemplate, StringComparer.Ordinal).ThenBy(resource => resource.Method, StringComparer.Ordinal)
                .ToArray();
            var apiScopes = Sorted(api.ApiScopes)
                .Select(name => new DefinitionApiScope(name, [.. resources.Where(resource => resource.ApiScopes.Contains(name)).Select(resource => $"{resource.Method} {resource.PathTemplate}")]))
                .ToArray();
            apis.Add(new DefinitionApi(api.Name, api.DisplayName, api.BasePath, $"Upstreams:{api.Name}", resources, apiScopes));
        }

        apis.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var scopes = GatewayDefinition.Scopes.Select(scope => new DefinitionScope(scope.Name, scope.Description, Sorted(scope.ApiScopes)))
            .OrderBy(scope => scope.Name, StringComparer.Ordinal).ToArray();

        var body = Canonical(apis, scopes);
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        return (new DefinitionResponse(hash, apis, scopes), $"definition {hash}\n{body}");
    }

    /// <summary>The canonical lines the hash covers.</summary>
    private static string Canonical(List<DefinitionApi> apis, DefinitionScope[] scopes)
    {
        var text = new StringBuilder();
        foreach (var api in apis)
        {
            text.Append($"api {api.Name} base_path={api.BasePath} upstream={api.UpstreamKey} display_name={Quote(api.DisplayName)}\n");
            foreach (var resource in api.Resources)
            {
                text.Append($"resource {api.Name} {resource.Method} {resource.PathTemplate} api_scopes={string.Join(',', resource.ApiScopes)}\n");
            }

            foreach (var apiScope in api.ApiScopes)
            {
                text.Append($"api_scope {api.Name}/{apiScope.Name} resources={Quote(string.Join(", ", apiScope.Resources))}\n");
            }
        }

        foreach (var scope in scopes)
        {
            text.Append($"scope {scope.Name} api_scopes={string.Join(',', scope.ApiScopes)} description={Quote(scope.Description)}\n");
        }

        return text.ToString();
    }

    // JSON string syntax: a quote or a line break in a display name cannot split or fake a line.
    private static string Quote(string value) => $"\"{JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value)}\"";

    private static string Method(HttpMethodKind method) => method.ToString().ToUpperInvariant();

    private static string[] Sorted(IReadOnlyList<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
