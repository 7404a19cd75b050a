using FastGateway.Admin;
using FastGateway.Contracts.Admin;
using FastGateway.Hosting;

namespace FastGateway.Clients;

/// <summary><c>Bootstrap:Clients</c>: applications a deployment or demo comes up with.</summary>
internal static class ClientBootstrap
{
    /// <summary>
    /// Creates the clients listed under <c>Bootstrap:Clients</c>, or resets their secret and settings (keeping
    /// client_id_issued_at and suspension). A client deleted through the admin API is not recreated: the start
    /// logs a warning naming it, until it is removed from configuration or registered again with POST /admin/v1/clients.
    /// </summary>
    public static void Apply(IConfiguration configuration, DurableRegistry<OAuthClient> registry, DurableRegistry<DeletedClient> deleted, ILogger logger)
    {
        foreach (var section in configuration.GetSection("Bootstrap:Clients").GetChildren())
        {
            var options = section.Get<BootstrapClientOptions>() ?? new BootstrapClientOptions();
            if (string.IsNullOrEmpty(options.ClientId) || string.IsNullOrEmpty(options.ClientSecret))
            {
                throw new InvalidOperationException($"{section.Path} needs ClientId and ClientSecret.");
            }

            var metadata = new ClientMetadataRequest(options.ClientId, options.ClientName, options.Scope, null, null, null, options.AccessTokenLifetime, null)
            {
                RateLimit = options.RateLimit is { } limit ? new RateLimit(limit.Requests, limit.WindowSeconds) : null,
                Introspection = options.Introspection,
            };
            if (ClientAdminEndpoints.Validate(metadata) is { } invalid)
            {
                throw new InvalidOperationException($"{section.Path}: {invalid.Description}");
            }

            var exists = registry.TryGet(options.ClientId, out var existing);
            if (!exists && deleted.TryGet(options.ClientId, out var deletion))
            {
                logger.LogWarning("{Section}: client {ClientId} was deleted through the admin API at {DeletedAt} (Unix seconds) and is not recreated; remove it from configuration, or register it again with POST /admin/v1/clients", section.Path, options.ClientId, deletion.DeletedAt);
                continue;
            }

            var client = ClientAdminEndpoints.ToClient(metadata, options.ClientSecret, existing?.ClientIdIssuedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            registry.Upsert(client with { Suspended = existing?.Suspended ?? false });
        }
    }
}
