namespace FastGateway.Clients;

/// <summary>
/// A client deleted through the admin API, remembered in <c>deleted-clients.json</c> so that
/// <c>Bootstrap:Clients</c> does not silently bring it back at the next start. Registering the same
/// client_id again through <c>POST /admin/v1/clients</c> forgets the deletion.
/// </summary>
/// <param name="ClientId">The deleted client_id.</param>
/// <param name="DeletedAt">Deletion time, Unix seconds.</param>
internal sealed record DeletedClient(string ClientId, long DeletedAt);
