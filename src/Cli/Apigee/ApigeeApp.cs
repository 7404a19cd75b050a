namespace FastGateway.Cli.Apigee;

/// <summary>
/// An Apigee Edge app profile, as <c>GET /v1/organizations/{org}/apps/{app_id}</c> (or a developer's app) returns it:
/// only the members the import reads; the others (<c>accessType</c>, <c>attributes</c>, ...) are ignored.
/// </summary>
/// <param name="Name">The app's name, e.g. <c>weatherapp</c>: becomes client_name.</param>
/// <param name="AppId">Apigee's app id (a UUID), shown in the import report.</param>
/// <param name="Status"><c>approved</c>, or <c>revoked</c>/<c>pending</c>: anything but approved is imported suspended.</param>
/// <param name="CallbackUrl">The app's callback URL; becomes a redirect URI for the browser grants ("" = none).</param>
/// <param name="Scopes">The app's scopes, used when a credential has none.</param>
/// <param name="Credentials">The app's consumer key/secret pairs: each becomes one client.</param>
internal sealed record ApigeeApp(
    string? Name,
    string? AppId,
    string? Status,
    string? CallbackUrl,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<ApigeeCredential>? Credentials);
