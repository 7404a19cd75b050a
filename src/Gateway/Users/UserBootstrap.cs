using FastGateway.Admin;
using FastGateway.Hosting;

namespace FastGateway.Users;

/// <summary><c>Bootstrap:Users</c>: resource owners a deployment or demo comes up with.</summary>
internal static class UserBootstrap
{
    /// <summary>Creates the users listed under <c>Bootstrap:Users</c> (Username, Password), or resets their password.</summary>
    public static void Apply(IConfiguration configuration, DurableRegistry<ResourceOwner> registry)
    {
        foreach (var section in configuration.GetSection("Bootstrap:Users").GetChildren())
        {
            var username = section["Username"];
            var password = section["Password"];
            if (UserAdminEndpoints.Validate(username, password) is { } problem)
            {
                throw new InvalidOperationException($"{section.Path}: {problem}");
            }

            if (registry.TryGet(username!, out var existing) && PasswordHasher.Verify(existing.PasswordHash, password!))
            {
                continue; // Unchanged: skip the write (and a second PBKDF2 run).
            }

            registry.Upsert(new ResourceOwner { Username = username!, PasswordHash = PasswordHasher.Hash(password!), CreatedAt = existing?.CreatedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
        }
    }
}
