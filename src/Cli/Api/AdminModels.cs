namespace FastGateway.Cli.Api;

// The admin API's JSON shapes (snake_case through CliJsonContext). Unknown members in answers are ignored so a newer
// gateway does not break an older tool; requests leave out null members so the gateway applies its defaults.

/// <summary>The gateway's error body: <c>{"error": ..., "error_description": ...}</c>.</summary>
internal sealed record ErrorBody(string? Error, string? ErrorDescription);

/// <summary><c>POST /admin/v1/clients</c> (RFC 7591 client metadata plus access_token_lifetime and refresh_limit).</summary>
internal sealed record ClientCreateRequest(
    string? ClientId,
    string? ClientName,
    string? Scope,
    IReadOnlyList<string>? GrantTypes,
    IReadOnlyList<string>? RedirectUris,
    string? TokenEndpointAuthMethod,
    int? AccessTokenLifetime,
    int? RefreshLimit);

/// <summary><c>PATCH /admin/v1/clients/{client_id}</c> with only <c>suspended</c>.</summary>
internal sealed record ClientSuspendRequest(bool Suspended);

/// <summary>A client as the admin API shows it; <c>client_secret</c> only in the answer that created it.</summary>
internal sealed record ClientInfo(
    string ClientId,
    string? ClientSecret,
    long ClientIdIssuedAt,
    string? ClientName,
    string? Scope,
    IReadOnlyList<string>? GrantTypes,
    IReadOnlyList<string>? RedirectUris,
    string? TokenEndpointAuthMethod,
    int? AccessTokenLifetime,
    int RefreshLimit,
    string? ClientType,
    bool Suspended);

/// <summary><c>POST /admin/v1/users</c>.</summary>
internal sealed record UserCreateRequest(string Username, string Password);

/// <summary><c>PATCH /admin/v1/users/{username}</c>.</summary>
internal sealed record UserPasswordRequest(string Password);

/// <summary>A user as the admin API shows it (never the password).</summary>
internal sealed record UserInfo(string Username, long CreatedAt);

/// <summary>One token's metadata from <c>GET /admin/v1/tokens</c> (never the token).</summary>
internal sealed record TokenInfo(string TokenId, string TokenType, string ClientId, string? Owner, string? Scope, string Status, long IssuedAt, long? ExpiresAt);

/// <summary><c>POST /admin/v1/tokens/revoke</c>: exactly one member.</summary>
internal sealed record TokenRevokeRequest(string? Token, string? ClientId, string? Owner);

/// <summary>Answer of <c>POST /admin/v1/tokens/revoke</c>.</summary>
internal sealed record TokenRevokeResponse(int Revoked);

/// <summary>Answer of <c>POST /admin/v1/tokens/remove-expired</c>.</summary>
internal sealed record TokenRemoveResponse(int Removed);

/// <summary><c>GET</c>/<c>PATCH /admin/v1/settings</c>: lifetimes in seconds.</summary>
internal sealed record GatewaySettings(int? AccessTokenLifetime, int? AuthorizationCodeLifetime);
