using FastGateway.Audit;
using FastGateway.Contracts.Admin;
using System.Buffers;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Json;
using FastGateway.Users;

namespace FastGateway.Admin;

/// <summary>
/// The resource owners part of the admin API: <c>POST</c>, <c>GET</c> (paged) <c>/admin/v1/users</c>;
/// <c>GET</c>, <c>PATCH</c> (password), <c>DELETE</c> <c>/admin/v1/users/{username}</c>.
/// </summary>
/// <remarks>
/// Deleting a user makes every token it owns stop working at once, through <see cref="Validation.TokenStanding"/>.
/// Changing a password leaves issued tokens valid (revoke them through the tokens API to log the user out everywhere).
/// Every change is an audit event (<see cref="AuditLog"/>), never with the password.
/// </remarks>
internal sealed class UserAdminEndpoints(DurableRegistry<ResourceOwner> users, TimeProvider time, AuditLog audit)
{
    /// <summary>Largest accepted JSON body, in bytes.</summary>
    public const long MaxBodyBytes = 8 * 1024;

    private static readonly SearchValues<char> UsernameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-");

    /// <summary>Creates a user; 201 with the user (no password), 409 when the username is taken.</summary>
    public async Task CreateAsync(HttpContext context)
    {
        var request = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.UserCreateRequest, MaxBodyBytes);
        if (request is null)
        {
            return;
        }

        if (Validate(request.Username, request.Password) is { } problem)
        {
            audit.User("create", request.Username ?? "", "invalid");
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return;
        }

        var user = new ResourceOwner
        {
            Username = request.Username!,
            PasswordHash = await PasswordHasher.HashAsync(request.Password!),
            CreatedAt = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (!users.TryAdd(user))
        {
            audit.User("create", user.Username, "conflict");
            await ErrorResponse.WriteAsync(context, 409, ErrorCodes.InvalidRequest, $"user '{user.Username}' already exists");
            return;
        }

        audit.User("create", user.Username, "ok");
        context.Response.StatusCode = 201;
        context.Response.Headers.Location = $"/admin/v1/users/{Uri.EscapeDataString(user.Username)}";
        await context.Response.WriteAsJsonAsync(new UserResponse(user.Username, user.CreatedAt), GatewayJsonContext.Default.UserResponse);
    }

    /// <summary>Returns a user; 404 when unknown.</summary>
    public async Task GetAsync(HttpContext context)
    {
        var username = context.Request.RouteValues["username"] as string ?? "";
        if (!users.TryGet(username, out var user))
        {
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no user '{username}'");
            return;
        }

        await context.Response.WriteAsJsonAsync(new UserResponse(user.Username, user.CreatedAt), GatewayJsonContext.Default.UserResponse);
    }

    /// <summary><c>GET /admin/v1/users?limit=&amp;cursor=</c>: a page of users ordered by username.</summary>
    public async Task ListAsync(HttpContext context)
    {
        var (ok, limit, after) = await AdminPaging.ReadAsync(context);
        if (!ok)
        {
            return;
        }

        var page = users.Page(after, limit, out var nextAfter);
        var items = new List<UserResponse>(page.Count);
        foreach (var user in page)
        {
            items.Add(new UserResponse(user.Username, user.CreatedAt));
        }

        await context.Response.WriteAsJsonAsync(new UserListResponse(items, AdminPaging.Encode(nextAfter)), GatewayJsonContext.Default.UserListResponse);
    }

    /// <summary><c>PATCH /admin/v1/users/{username}</c> with <c>{"password": ...}</c>: 200 with the user, 400, 404, or 409 on a concurrent change.</summary>
    public async Task PatchAsync(HttpContext context)
    {
        var username = UsernameOf(context);
        var request = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.UserPatchRequest, MaxBodyBytes);
        if (request is null)
        {
            return;
        }

        if (!users.TryGet(username, out var current))
        {
            audit.User("set_password", username, "not_found");
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no user '{username}'");
            return;
        }

        if (Validate(username, request.Password) is { } problem)
        {
            audit.User("set_password", username, "invalid");
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return;
        }

        if (!users.TryReplace(current, current with { PasswordHash = await PasswordHasher.HashAsync(request.Password!) }))
        {
            audit.User("set_password", username, "conflict");
            await ErrorResponse.WriteAsync(context, 409, ErrorCodes.InvalidRequest, $"user '{username}' was changed or deleted meanwhile; retry");
            return;
        }

        audit.User("set_password", username, "ok");
        await context.Response.WriteAsJsonAsync(new UserResponse(current.Username, current.CreatedAt), GatewayJsonContext.Default.UserResponse);
    }

    /// <summary><c>DELETE /admin/v1/users/{username}</c>: 204, and every token the user owns stops working at once; 404 when unknown.</summary>
    public async Task DeleteAsync(HttpContext context)
    {
        var username = UsernameOf(context);
        if (!users.Remove(username))
        {
            audit.User("delete", username, "not_found");
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no user '{username}'");
            return;
        }

        audit.User("delete", username, "ok");
        context.Response.StatusCode = 204;
    }

    private static string UsernameOf(HttpContext context) => context.Request.RouteValues["username"] as string ?? "";

    /// <summary>Checks a username and password; returns what is wrong, or null.</summary>
    internal static string? Validate(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || username.Length > TokenStore.TokenRecord.MaxIdentifierBytes || username.AsSpan().ContainsAnyExcept(UsernameChars))
        {
            return "username must be 1-64 characters of A-Z a-z 0-9 . _ @ -";
        }

        if (password is null || password.Length is < 8 or > 1024)
        {
            return "password must be 8 to 1024 characters";
        }

        return null;
    }
}
