using FastGateway.Contracts.Admin;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Json;
using FastGateway.OAuth;

namespace FastGateway.Admin;

internal sealed partial class ClientAdminEndpoints
{
    /// <summary><c>GET /admin/v1/clients?limit=&amp;cursor=</c>: a page of clients ordered by client_id, without secrets.</summary>
    public async Task ListAsync(HttpContext context)
    {
        var (ok, limit, after) = await AdminPaging.ReadAsync(context);
        if (!ok)
        {
            return;
        }

        var page = clients.Page(after, limit, out var nextAfter);
        var items = new List<ClientInformationResponse>(page.Count);
        foreach (var client in page)
        {
            items.Add(ClientInformation.From(client, null, Now));
        }

        await context.Response.WriteAsJsonAsync(new ClientListResponse(items, AdminPaging.Encode(nextAfter)), GatewayJsonContext.Default.ClientListResponse);
    }

    /// <summary>
    /// <c>PATCH /admin/v1/clients/{client_id}</c>: changes the fields present (<see cref="ClientPatchRequest"/>), checked
    /// with <see cref="Validate"/> on the merged metadata; 200 with the client, 400 with the reason, 404, or 409 when a
    /// concurrent change won (retry).
    /// </summary>
    public async Task PatchAsync(HttpContext context)
    {
        var id = ClientIdOf(context);
        var patch = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.ClientPatchRequest, MaxBodyBytes);
        if (patch is null)
        {
            return;
        }

        if (!clients.TryGet(id, out var current))
        {
            audit.Client("update", id, "not_found");
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no client '{id}'");
            return;
        }

        // The merged metadata is checked as a whole (cross-field rules); the scope only when it changes, so a client
        // whose scope names one since removed from gateway.json can still be suspended or renamed.
        var merged = new ClientMetadataRequest(
            current.ClientId,
            patch.ClientName ?? current.ClientName,
            patch.Scope,
            patch.GrantTypes ?? current.GrantTypes,
            patch.RedirectUris ?? current.RedirectUris,
            patch.TokenEndpointAuthMethod ?? current.TokenEndpointAuthMethod,
            patch.AccessTokenLifetime ?? current.AccessTokenLifetime,
            patch.RefreshLimit ?? current.RefreshLimit)
        {
            RateLimit = patch.RateLimitSpecified ? patch.RateLimit : current.RateLimit,
            ResponseTypes = patch.ResponseTypes ?? current.ResponseTypes,
            ClientUri = Merge(patch.ClientUri, current.ClientUri),
            LogoUri = Merge(patch.LogoUri, current.LogoUri),
            Contacts = patch.Contacts ?? current.Contacts,
            TosUri = Merge(patch.TosUri, current.TosUri),
            PolicyUri = Merge(patch.PolicyUri, current.PolicyUri),
            JwksUri = Merge(patch.JwksUri, current.JwksUri),
            SoftwareId = Merge(patch.SoftwareId, current.SoftwareId),
            SoftwareVersion = Merge(patch.SoftwareVersion, current.SoftwareVersion),
            Introspection = patch.Introspection ?? current.Introspection,
        };
        var action = SuspensionAction(current, patch) ?? "update";
        if (Validate(merged) is { } invalid)
        {
            audit.Client(action, id, "invalid");
            await ErrorResponse.WriteAsync(context, 400, invalid.Error, invalid.Description);
            return;
        }

        // A public client made confidential gets a secret (shown once); a confidential one made public loses it.
        string? newSecret = null;
        var secretHash = current.SecretHash;
        if (merged.TokenEndpointAuthMethod == TokenEndpointAuthMethods.None)
        {
            secretHash = "";
        }
        else if (!current.IsConfidential)
        {
            newSecret = ClientSecrets.Generate();
            secretHash = ClientSecrets.Hash(newSecret);
        }

        var keepsSecret = secretHash.Length != 0 && newSecret is null;
        var updated = ToClient(merged with { Scope = patch.Scope ?? current.Scope }, null, current.ClientIdIssuedAt) with
        {
            SecretHash = secretHash,
            Suspended = patch.Suspended ?? current.Suspended,
            SecretExpiresAt = keepsSecret ? current.SecretExpiresAt : 0,
            PreviousSecretHash = keepsSecret ? current.PreviousSecretHash : null,
            PreviousSecretExpiresAt = keepsSecret ? current.PreviousSecretExpiresAt : 0,
        };
        // The same rate_limit keeps its count (the quota state lives on the client entry, which this replaces).
        if (updated.RateLimit is not null && updated.RateLimit == current.RateLimit)
        {
            updated = updated.WithQuotaOf(current);
        }
        if (!clients.TryReplace(current, updated))
        {
            audit.Client(action, id, "conflict");
            await ErrorResponse.WriteAsync(context, 409, ErrorCodes.InvalidRequest, $"client '{id}' was changed or deleted meanwhile; read it again and retry");
            return;
        }

        audit.Client(action, id, "ok");
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(ClientInformation.From(updated, newSecret, Now), GatewayJsonContext.Default.ClientInformationResponse);
    }

    /// <summary>
    /// <c>DELETE /admin/v1/clients/{client_id}</c>: 204; every token of the client stops working at once (see
    /// <see cref="Validation.TokenStanding"/>) and <c>Bootstrap:Clients</c> will not recreate it; 404 when unknown.
    /// </summary>
    public async Task DeleteAsync(HttpContext context)
    {
        var id = ClientIdOf(context);
        if (!clients.TryGet(id, out _))
        {
            audit.Client("delete", id, "not_found");
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no client '{id}'");
            return;
        }

        // Remembered first, so a crash in between cannot let Bootstrap:Clients bring it back.
        deleted.Upsert(new DeletedClient(id, time.GetUtcNow().ToUnixTimeSeconds()));
        if (!clients.Remove(id))
        {
            audit.Client("delete", id, "not_found");
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no client '{id}'");
            return;
        }

        audit.Client("delete", id, "ok");
        context.Response.StatusCode = 204;
    }

    /// <summary>
    /// <c>POST /admin/v1/clients/{client_id}/secret</c>: a new secret, returned once (200 with the client and
    /// <c>client_secret</c>); issued tokens stay valid. The old secret stops working at once, or after
    /// <c>grace_seconds</c> (JSON body <see cref="SecretRotationRequest"/> or <c>?grace_seconds=</c>, 0-2592000) so
    /// deployed clients can switch without an outage; both are stored hashed and each is compared in constant time.
    /// Only one previous secret is kept: a second rotation replaces it. 400 for a public client (no secret) or a bad
    /// grace period, 404 when unknown.
    /// </summary>
    public async Task RotateSecretAsync(HttpContext context)
    {
        var id = ClientIdOf(context);
        if (await ReadGraceSecondsAsync(context) is not { } graceSeconds)
        {
            return;
        }

        if (!clients.TryGet(id, out var current))
        {
            audit.Client("rotate_secret", id, "not_found");
            await ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"no client '{id}'");
            return;
        }

        if (!current.IsConfidential)
        {
            audit.Client("rotate_secret", id, "invalid");
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "a public client has no secret; PATCH token_endpoint_auth_method to client_secret_basic to give it one");
            return;
        }

        var secret = ClientSecrets.Generate();
        var now = Now;
        var updated = current with
        {
            SecretHash = ClientSecrets.Hash(secret),
            SecretExpiresAt = 0,
            PreviousSecretHash = graceSeconds > 0 ? current.SecretHash : null,
            // The old secret never outlives its own expiry.
            PreviousSecretExpiresAt = graceSeconds > 0 ? Math.Min(now + graceSeconds, current.SecretExpiresAt == 0 ? long.MaxValue : current.SecretExpiresAt) : 0,
        };
        if (!clients.TryReplace(current, updated))
        {
            audit.Client("rotate_secret", id, "conflict");
            await ErrorResponse.WriteAsync(context, 409, ErrorCodes.InvalidRequest, $"client '{id}' was changed or deleted meanwhile; retry");
            return;
        }

        audit.Client("rotate_secret", id, "ok");
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(ClientInformation.From(updated, secret, Now), GatewayJsonContext.Default.ClientInformationResponse);
    }

    /// <summary>Longest grace period of a rotated secret, in seconds (30 days).</summary>
    public const int MaxGraceSeconds = 2_592_000;

    /// <summary>
    /// Reads <c>grace_seconds</c> from <c>?grace_seconds=</c> or an optional JSON body; answers 400/413/415 itself.
    /// </summary>
    /// <returns>The grace period in seconds (0 when absent), or null when an error response was written.</returns>
    private static async Task<int?> ReadGraceSecondsAsync(HttpContext context)
    {
        int? fromQuery = null;
        var query = context.Request.Query["grace_seconds"];
        if (query.Count != 0)
        {
            if (query.Count > 1 || !int.TryParse(query[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, $"grace_seconds must be one whole number of seconds, 0-{MaxGraceSeconds}");
                return null;
            }

            fromQuery = parsed;
        }

        int? fromBody = null;
        if (context.Request.ContentLength is > 0 || context.Request.HasJsonContentType())
        {
            var body = await AdminJson.ReadAsync(context, GatewayJsonContext.Default.SecretRotationRequest, MaxBodyBytes);
            if (body is null)
            {
                return null;
            }

            fromBody = body.GraceSeconds;
        }

        if (fromQuery is not null && fromBody is not null && fromQuery != fromBody)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "grace_seconds differs between the query and the body; send it once");
            return null;
        }

        var grace = fromBody ?? fromQuery ?? 0;
        if (grace is < 0 or > MaxGraceSeconds)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, $"grace_seconds must be 0-{MaxGraceSeconds} (30 days)");
            return null;
        }

        return grace;
    }

    /// <summary>A PATCH value of an optional string: absent keeps the current one, "" removes it.</summary>
    private static string? Merge(string? patched, string? current) => patched is null ? current : patched.Length == 0 ? null : patched;

    private static string ClientIdOf(HttpContext context) => context.Request.RouteValues["client_id"] as string ?? "";

    private static string? SuspensionAction(OAuthClient current, ClientPatchRequest patch) => patch.Suspended switch
    {
        true when !current.Suspended => "suspend",
        false when current.Suspended => "resume",
        _ => null,
    };
}
