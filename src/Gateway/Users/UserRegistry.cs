using FastGateway.Hosting;
using FastGateway.Json;

namespace FastGateway.Users;

/// <summary>The resource owners, persisted to <c>users.json</c> under <c>Storage:Path</c>.</summary>
internal static class UserRegistry
{
    /// <summary>Loads the registry from <paramref name="storagePath"/> (empty when there is no file yet).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public static DurableRegistry<ResourceOwner> Load(string storagePath) =>
        new(Path.Combine(storagePath, "users.json"), u => u.Username, GatewayJsonContext.Default.ListResourceOwner);

    /// <summary>Checks a username and password on the thread pool; false for an unknown user or a wrong password (same
    /// cost either way).</summary>
    public static async Task<bool> AuthenticateAsync(this DurableRegistry<ResourceOwner> users, string username, string password)
    {
        users.TryGet(username, out var user);
        return await PasswordHasher.VerifyAsync(user?.PasswordHash, password).ConfigureAwait(false) && user is not null;
    }
}
