using System.Buffers;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.Json;
using FastGateway.Users;

namespace FastGateway.Admin;

/// <summary>Body of <c>POST /admin/v1/users</c>.</summary>
/// <param name="Username">1-64 of A-Z a-z 0-9 . _ @ -.</param>
/// <param name="Password">8 to 1024 characters; stored only as a PBKDF2 hash, never echoed or logged.</param>
internal sealed record UserCreateRequest(string? Username, string? Password);

/// <summary>A user as the admin API shows it: never the password or its hash.</summary>
/// <param name="Username">The username.</param>
/// <param name="CreatedAt">Creation time, Unix seconds.</param>
internal sealed record UserResponse(string Username, long CreatedAt);

/// <summary><c>POST /admin/v1/users</c> and <c>GET /admin/v1/users/{username}</c>: resource owners.</summary>
internal sealed partial class UserAdminEndpoints(DurableRegistry<ResourceOwner> users, TimeProvider time, ILogger<UserAdminEndpoints> logger)
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
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, problem);
            return;
        }

        var user = new ResourceOwner
        {
            Username = request.Username!,
            PasswordHash = PasswordHasher.Hash(request.Password!),
            CreatedAt = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (!users.TryAdd(user))
        {
            await ErrorResponse.WriteAsync(context, 409, ErrorCodes.InvalidRequest, $"user '{user.Username}' already exists");
            return;
        }

        Log.UserCreated(logger, user.Username);
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Admin created user {Username}")]
        public static partial void UserCreated(ILogger logger, string username);
    }
}
