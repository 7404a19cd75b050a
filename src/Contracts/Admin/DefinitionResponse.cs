namespace FastGateway.Contracts.Admin;

/// <summary>
/// The compiled definition (<c>gateway.json</c> as built into the binary), as <c>GET /admin/v1/definition</c> and
/// <c>FastGateway definition --json</c> show it. Lists are sorted by name (resources by path template, then method), so
/// the same definition gives the same document whatever the order in <c>gateway.json</c>.
/// </summary>
/// <param name="Hash">
/// <c>sha256:</c> and 64 lowercase hex digits: SHA-256 of the canonical text form (every line of <c>FastGateway
/// definition</c> after the first, each ending in <c>\n</c>, UTF-8). Two builds serve the same APIs, resources, API
/// scopes and scope mappings exactly when their hashes are equal.
/// </param>
/// <param name="Apis">Every API, by name.</param>
/// <param name="Scopes">Every authorization-server scope (business scope) with its scope mapping, by name.</param>
public sealed record DefinitionResponse(string Hash, IReadOnlyList<DefinitionApi> Apis, IReadOnlyList<DefinitionScope> Scopes);

/// <summary>One API of the compiled definition.</summary>
/// <param name="Name">The API's name, e.g. <c>timetravels</c>.</param>
/// <param name="DisplayName">Human-readable name, e.g. <c>Time travels</c>.</param>
/// <param name="BasePath">Path prefix under which the gateway exposes the API, e.g. <c>/timetravels</c>.</param>
/// <param name="UpstreamKey">The configuration key of its upstream URL, e.g. <c>Upstreams:timetravels</c>.</param>
/// <param name="Resources">Its resources, by path template then method.</param>
/// <param name="ApiScopes">Its API scopes, by name.</param>
public sealed record DefinitionApi(string Name, string DisplayName, string BasePath, string UpstreamKey, IReadOnlyList<DefinitionResource> Resources, IReadOnlyList<DefinitionApiScope> ApiScopes);

/// <summary>One resource (method + path template) of an API.</summary>
/// <param name="Method">Request method in capitals, e.g. <c>GET</c>.</param>
/// <param name="PathTemplate">Template relative to the API's base path, e.g. <c>/bookings/{id}</c>.</param>
/// <param name="ApiScopes">The API scopes containing the resource, by name.</param>
public sealed record DefinitionResource(string Method, string PathTemplate, IReadOnlyList<string> ApiScopes);

/// <summary>One API scope: a named group of an API's resources.</summary>
/// <param name="Name">The API scope's name, e.g. <c>ViewTickets</c>.</param>
/// <param name="Resources">Its resources as <c>"METHOD /template"</c>, by path template then method.</param>
public sealed record DefinitionApiScope(string Name, IReadOnlyList<string> Resources);

/// <summary>One authorization-server scope and its scope mapping.</summary>
/// <param name="Name">The scope token clients request, e.g. <c>view</c>.</param>
/// <param name="Description">Text shown on the consent page.</param>
/// <param name="ApiScopes">Mapped API scopes as <c>"&lt;api name&gt;/&lt;API scope&gt;"</c>, sorted.</param>
public sealed record DefinitionScope(string Name, string Description, IReadOnlyList<string> ApiScopes);
