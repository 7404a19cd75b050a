using FastGateway.Scopes;

namespace FastGateway.OAuth;

/// <summary>The scopes a client may be granted, as a mask over the current scope table.</summary>
internal static class ClientScopes
{
    /// <summary>A space-separated scope list as a mask over the current scope table; unknown names are ignored.</summary>
    /// <param name="scope">RFC 6749 section 3.3 scope list (a client's <c>scope</c>).</param>
    public static ulong MaskOf(string scope)
    {
        ulong mask = 0;
        foreach (var range in scope.AsSpan().Split(' '))
        {
            if (Generated.GatewayDefinition.TryGetScopeBit(scope.AsSpan(range), out var bit))
            {
                mask |= 1UL << bit;
            }
        }

        return mask;
    }

    /// <summary>
    /// Works out the scopes to grant from a request's optional <c>scope</c> (RFC 6749 section 3.3): the
    /// requested ones if all are within <paramref name="allowed"/>; when absent, all of <paramref name="allowed"/>.
    /// </summary>
    /// <param name="requested">The request's <c>scope</c> values.</param>
    /// <param name="allowed">What may be granted: the client's allowance, or a refresh token's scopes.</param>
    /// <param name="allowance">Names the allowance in error descriptions ("this client", "the refresh token").</param>
    /// <param name="granted">The mask to grant, when true.</param>
    /// <param name="problem">The <c>invalid_scope</c> description, when false.</param>
    public static bool TryGrant(Microsoft.Extensions.Primitives.StringValues requested, ulong allowed, string allowance, out ulong granted, out string problem)
    {
        granted = 0;
        if (requested.Count > 1)
        {
            problem = "scope was sent more than once";
            return false;
        }

        if (string.IsNullOrWhiteSpace(requested))
        {
            if (allowed == 0)
            {
                problem = $"{allowance} is allowed no scopes";
                return false;
            }

            granted = allowed;
            problem = "";
            return true;
        }

        if (!ScopeCatalog.TryParse(requested!, out var mask, out _))
        {
            // Not echoed: error_description never repeats the client's input (the name is in the gateway's definition or it is not).
            problem = "a requested scope is unknown";
            return false;
        }

        if ((mask & ~allowed) != 0)
        {
            problem = $"a requested scope is not allowed for {allowance}";
            return false;
        }

        granted = mask;
        problem = "";
        return true;
    }
}
