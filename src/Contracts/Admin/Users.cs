using System.Text.Json.Serialization;

namespace FastGateway.Contracts.Admin;

/// <summary>Body of <c>POST /admin/v1/users</c>.</summary>
/// <param name="Username">1-64 of A-Z a-z 0-9 . _ @ -.</param>
/// <param name="Password">8 to 1024 characters; stored only as a PBKDF2 hash, never echoed or logged.</param>
public sealed record UserCreateRequest(string? Username, string? Password);

/// <summary>A user as the admin API shows it: never the password or its hash.</summary>
/// <param name="Username">The username.</param>
/// <param name="CreatedAt">Creation time, Unix seconds.</param>
public sealed record UserResponse(string Username, long CreatedAt);

/// <summary>Body of <c>PATCH /admin/v1/users/{username}</c>.</summary>
/// <param name="Password">The new password, 8 to 1024 characters; stored only as a PBKDF2 hash, never echoed or logged.</param>
public sealed record UserPatchRequest(string? Password);

/// <summary>A page of <c>GET /admin/v1/users</c>, ordered by username.</summary>
/// <param name="Users">The users of this page.</param>
/// <param name="NextCursor">Pass as <c>?cursor=</c> for the next page; null on the last page.</param>
public sealed record UserListResponse(
    IReadOnlyList<UserResponse> Users,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
