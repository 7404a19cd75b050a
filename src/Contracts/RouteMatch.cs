namespace FastGateway.Contracts;

/// <summary>Outcome of matching a request against the generated route tables.</summary>
public enum RouteMatchStatus : byte
{
    /// <summary>The path is under no API's base path.</summary>
    NoApi = 0,
    /// <summary>The path is under an API's base path but no resource matches the method and path.</summary>
    NoResource,
    /// <summary>A resource matched.</summary>
    Matched,
}

/// <summary>
/// The result of a route match: which API and resource, and which scopes may call it.
/// A plain value; producing it allocates nothing.
/// </summary>
public readonly struct RouteMatch
{
    /// <summary>Creates a match result.</summary>
    public RouteMatch(RouteMatchStatus status, int apiIndex, int resourceIndex, ulong requiredScopes, int basePathLength)
    {
        Status = status;
        ApiIndex = apiIndex;
        ResourceIndex = resourceIndex;
        RequiredScopes = requiredScopes;
        BasePathLength = basePathLength;
    }

    /// <summary>Whether an API and a resource matched.</summary>
    public RouteMatchStatus Status { get; }

    /// <summary>Index into the generated <c>Apis</c> table, or -1 when <see cref="Status"/> is <see cref="RouteMatchStatus.NoApi"/>.</summary>
    public int ApiIndex { get; }

    /// <summary>Index into the generated <c>Resources</c> table, or -1 unless <see cref="Status"/> is <see cref="RouteMatchStatus.Matched"/>.</summary>
    public int ResourceIndex { get; }

    /// <summary>Mask of authorization-server scopes any one of which grants access (0 unless matched).</summary>
    public ulong RequiredScopes { get; }

    /// <summary>Length in chars of the API's base path; the rest of the path is what the upstream sees.</summary>
    public int BasePathLength { get; }
}
