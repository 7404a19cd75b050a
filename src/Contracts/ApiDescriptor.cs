namespace FastGateway.Contracts;

/// <summary>One API from <c>gateway.json</c>, as compiled into the generated tables.</summary>
/// <param name="Name">The API's name; its upstream is configured as <c>Upstreams:&lt;Name&gt;</c>.</param>
/// <param name="DisplayName">Human-readable name, e.g. "Time travels".</param>
/// <param name="BasePath">Path prefix under which the gateway exposes the API, e.g. <c>/timetravels</c>: starts with '/', no trailing '/'.</param>
/// <param name="ApiScopes">Names of the API's API scopes (webMethods: groups of resources).</param>
public sealed record ApiDescriptor(string Name, string DisplayName, string BasePath, IReadOnlyList<string> ApiScopes);

/// <summary>One resource (method + path template) of an API, as compiled into the generated tables.</summary>
/// <param name="ApiIndex">Index into the generated <c>Apis</c> table.</param>
/// <param name="Method">The resource's method.</param>
/// <param name="PathTemplate">Template relative to the API's base path, e.g. <c>/bookings/{id}</c>.</param>
/// <param name="ApiScopes">The API scopes (of the same API) that contain the resource.</param>
/// <param name="RequiredScopes">Bit mask of the authorization-server scopes that grant access: a token needs any one of them.</param>
public sealed record ResourceDescriptor(int ApiIndex, HttpMethodKind Method, string PathTemplate, IReadOnlyList<string> ApiScopes, ulong RequiredScopes);

/// <summary>One authorization-server scope (business scope) and its scope mapping.</summary>
/// <param name="Name">The scope token clients request, e.g. <c>view</c> (RFC 6749 section 3.3 syntax).</param>
/// <param name="Bit">Its bit in scope masks (0..63).</param>
/// <param name="Description">Text shown on consent pages.</param>
/// <param name="ApiScopes">Mapped API scopes, each as <c>"&lt;api name&gt;/&lt;API scope&gt;"</c>.</param>
public sealed record ScopeDescriptor(string Name, int Bit, string Description, IReadOnlyList<string> ApiScopes);
