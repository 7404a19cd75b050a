using FastGateway.Hosting;
using FastGateway.Json;

namespace FastGateway.Users;

/// <summary>
/// The resource owners, persisted to <c>users.json</c> under <c>Storage:Path</c>. Passwords are checked only through
/// <c>Throttling.PasswordGuard</c> (failure limits, lockout, bounded hashing).
/// </summary>
internal static class UserRegistry
{
    /// <summary>Loads the registry from <paramref name="storagePath"/> (empty when there is no file yet).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public static DurableRegistry<ResourceOwner> Load(string storagePath) =>
        new(Path.Combine(storagePath, "users.json"), u => u.Username, GatewayJsonContext.Default.ListResourceOwner);
}
