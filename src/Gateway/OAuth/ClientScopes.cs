namespace FastGateway.OAuth;

/// <summary>The scopes a client may be granted, as a mask over the current scope table.</summary>
internal static class ClientScopes
{
    /// <summary>The client's allowed scopes; names no longer in <c>gateway.json</c> are ignored.</summary>
    public static ulong Allowed(Clients.OAuthClient client)
    {
        ulong mask = 0;
        foreach (var name in client.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Generated.GatewayDefinition.TryGetScopeBit(name, out var bit))
            {
                mask |= 1UL << bit;
            }
        }

        return mask;
    }
}
