using FastGateway.Hosting;
using FastGateway.Json;

namespace FastGateway.Clients;

/// <summary>
/// The registered applications, held in memory and persisted to <c>clients.json</c> under
/// <c>Storage:Path</c>. Changes are written durably before they are acknowledged.
/// </summary>
/// <remarks>
/// Clients change rarely and are read on every token request, so reads use an immutable snapshot
/// that writers replace under a lock (copy-on-write).
/// </remarks>
internal sealed class ClientRegistry
{
    private const string FileName = "clients.json";

    private readonly string _path;
    private readonly Lock _writeLock = new();
    private volatile Dictionary<string, OAuthClient> _clients;

    private ClientRegistry(string path, Dictionary<string, OAuthClient> clients)
    {
        _path = path;
        _clients = clients;
    }

    /// <summary>Loads the registry from <paramref name="storagePath"/> (empty when there is no file yet).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public static ClientRegistry Load(string storagePath)
    {
        var path = Path.Combine(storagePath, FileName);
        var clients = new Dictionary<string, OAuthClient>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            var document = DurableFile.ReadJson(path, GatewayJsonContext.Default.ClientsDocument)
                ?? throw new InvalidDataException($"{path} is empty.");
            foreach (var client in document.Clients)
            {
                clients[client.ClientId] = client;
            }
        }

        return new ClientRegistry(path, clients);
    }

    /// <summary>Number of registered clients.</summary>
    public int Count => _clients.Count;

    /// <summary>Finds a client by client_id.</summary>
    public bool TryGet(string clientId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OAuthClient? client) =>
        _clients.TryGetValue(clientId, out client);

    /// <summary>Adds a new client, durably.</summary>
    /// <returns>false when the client_id is taken.</returns>
    public bool TryAdd(OAuthClient client)
    {
        lock (_writeLock)
        {
            if (_clients.ContainsKey(client.ClientId))
            {
                return false;
            }

            Commit(new Dictionary<string, OAuthClient>(_clients, StringComparer.Ordinal) { [client.ClientId] = client });
            return true;
        }
    }

    /// <summary>Adds or replaces a client, durably.</summary>
    public void Upsert(OAuthClient client)
    {
        lock (_writeLock)
        {
            Commit(new Dictionary<string, OAuthClient>(_clients, StringComparer.Ordinal) { [client.ClientId] = client });
        }
    }

    private void Commit(Dictionary<string, OAuthClient> next)
    {
        DurableFile.WriteJson(_path, new ClientsDocument([.. next.Values.OrderBy(c => c.ClientId, StringComparer.Ordinal)]), GatewayJsonContext.Default.ClientsDocument);
        _clients = next;
    }
}

/// <summary>The persisted form of the registry.</summary>
internal sealed record ClientsDocument(IReadOnlyList<OAuthClient> Clients);
