using FastGateway.Hosting;
using FastGateway.Json;

namespace FastGateway.Clients;

/// <summary>The registered applications, persisted to <c>clients.json</c> under <c>Storage:Path</c>.</summary>
internal static class ClientRegistry
{
    /// <summary>Loads the registry from <paramref name="storagePath"/> (empty when there is no file yet).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public static DurableRegistry<OAuthClient> Load(string storagePath) =>
        new(Path.Combine(storagePath, "clients.json"), c => c.ClientId, GatewayJsonContext.Default.ListOAuthClient);

    /// <summary>Loads the record of clients deleted through the admin API (<c>deleted-clients.json</c>).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public static DurableRegistry<DeletedClient> LoadDeleted(string storagePath) =>
        new(Path.Combine(storagePath, "deleted-clients.json"), c => c.ClientId, GatewayJsonContext.Default.ListDeletedClient);
}
