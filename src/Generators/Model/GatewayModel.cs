namespace FastGateway.Generators.Model;

/// <summary>A validated <c>gateway.json</c>: everything the emitter needs, as plain equatable values.</summary>
/// <param name="Apis">The APIs, in declaration order (index = API index).</param>
/// <param name="Resources">The resources of all APIs, API by API, each in order of first appearance.</param>
/// <param name="Scopes">The authorization-server scopes; index = bit.</param>
internal sealed record GatewayModel(
    EquatableArray<ApiModel> Apis,
    EquatableArray<ResourceModel> Resources,
    EquatableArray<ScopeModel> Scopes);

/// <summary>One API.</summary>
/// <param name="Name">Its name, <c>[a-z0-9][a-z0-9-_]*</c>.</param>
/// <param name="DisplayName">Human-readable name (defaults to <paramref name="Name"/>).</param>
/// <param name="BasePath">Base path: starts with '/', no trailing '/'.</param>
/// <param name="ApiScopes">Names of its API scopes, in declaration order.</param>
internal sealed record ApiModel(string Name, string DisplayName, string BasePath, EquatableArray<string> ApiScopes);

/// <summary>One resource (method + path template) of an API.</summary>
/// <param name="ApiIndex">Index of its API.</param>
/// <param name="Method">The <c>HttpMethodKind</c> member name, e.g. <c>Get</c>.</param>
/// <param name="PathTemplate">Template relative to the base path, e.g. <c>/bookings/{id}</c>.</param>
/// <param name="ApiScopes">The API scopes that contain it, in declaration order.</param>
/// <param name="RequiredScopes">OR of the bits of every scope whose mapping reaches it.</param>
internal sealed record ResourceModel(int ApiIndex, string Method, string PathTemplate, EquatableArray<string> ApiScopes, ulong RequiredScopes);

/// <summary>One authorization-server scope.</summary>
/// <param name="Name">The scope token.</param>
/// <param name="Description">Consent-page text (may be empty).</param>
/// <param name="ApiScopes">Mapped API scopes as <c>"&lt;api name&gt;/&lt;API scope&gt;"</c>.</param>
internal sealed record ScopeModel(string Name, string Description, EquatableArray<string> ApiScopes);
