namespace FastGateway.Contracts.Admin;

/// <summary>
/// The runtime settings as <c>GET /admin/v1/settings</c> shows them and <c>PATCH /admin/v1/settings</c> takes them
/// (every field optional in a PATCH: absent = unchanged), and as <c>settings.json</c> under <c>Storage:Path</c>
/// keeps the values set at runtime (absent = the configuration's value).
/// </summary>
/// <param name="AccessTokenLifetime">
/// Default access-token lifetime in seconds for clients that set none: 1 to 31536000 (one year; the gateway's
/// <c>RuntimeSettings.MaxAccessTokenLifetime</c>), or -1 = never expires. Configuration default: <c>OAuth:AccessTokenLifetime</c>.
/// </param>
/// <param name="AuthorizationCodeLifetime">
/// Authorization-code lifetime in seconds: 1 to 600 (the gateway's <c>RuntimeSettings.MaxAuthorizationCodeLifetime</c>;
/// RFC 6749 section 4.1.2 recommends at most 10 minutes). Configuration default: <c>OAuth:AuthorizationCodeLifetime</c>.
/// </param>
public sealed record GatewaySettings(int? AccessTokenLifetime, int? AuthorizationCodeLifetime);
