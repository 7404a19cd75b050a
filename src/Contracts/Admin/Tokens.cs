namespace FastGateway.Contracts.Admin;

/// <summary>One token as the admin API lists it: metadata only, never the token.</summary>
/// <param name="TokenId">Base64url of the token's full SHA-256 store key (43 chars); pass it to <c>DELETE /admin/v1/tokens/{token_id}</c>.</param>
/// <param name="TokenType"><c>access_token</c> or <c>refresh_token</c>.</param>
/// <param name="ClientId">The client it was issued to.</param>
/// <param name="Owner">The resource owner; absent for client-credentials tokens.</param>
/// <param name="Scope">Granted scopes, space-separated (RFC 6749 section 3.3), in the current scope table.</param>
/// <param name="Status"><c>active</c>, <c>expired</c>, <c>revoked</c> (itself or its grant), or <c>consumed</c> (a rotated refresh token).</param>
/// <param name="IssuedAt">Unix seconds.</param>
/// <param name="ExpiresAt">Unix seconds; absent when the token never expires.</param>
public sealed record TokenInfo(string TokenId, string TokenType, string ClientId, string? Owner, string Scope, string Status, long IssuedAt, long? ExpiresAt);

/// <summary>A page of <c>GET /admin/v1/tokens</c>.</summary>
/// <param name="Tokens">At most <c>limit</c> tokens, in token_id order.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; absent on the last page.</param>
public sealed record TokenListResponse(IReadOnlyList<TokenInfo> Tokens, string? NextCursor);

/// <summary>Body of <c>POST /admin/v1/tokens/revoke</c>: exactly one member.</summary>
/// <param name="Token">A token's value (access or refresh token).</param>
/// <param name="ClientId">Revoke every token of this client.</param>
/// <param name="Owner">Revoke every token of this user ("log out everywhere").</param>
public sealed record TokenRevokeRequest(string? Token, string? ClientId, string? Owner);

/// <summary>Answer of <c>POST /admin/v1/tokens/revoke</c>.</summary>
/// <param name="Revoked">Access and refresh tokens that were valid or usable and are now revoked.</param>
public sealed record TokenRevokeResponse(int Revoked);

/// <summary>Answer of <c>POST /admin/v1/tokens/remove-expired</c>.</summary>
/// <param name="Removed">Records removed from the store (tokens, codes, unreferenced grant-family records).</param>
public sealed record TokenRemoveResponse(int Removed);
