namespace FastGateway.Contracts;

/// <summary>
/// The request methods a resource in <c>gateway.json</c> can name (RFC 9110 section 9).
/// Stored as a byte so route tables stay small.
/// </summary>
public enum HttpMethodKind : byte
{
    /// <summary>A method no resource can name; never matches.</summary>
    Unknown = 0,
    /// <summary>GET.</summary>
    Get,
    /// <summary>HEAD. Matches only resources declared with HEAD.</summary>
    Head,
    /// <summary>POST.</summary>
    Post,
    /// <summary>PUT.</summary>
    Put,
    /// <summary>DELETE.</summary>
    Delete,
    /// <summary>PATCH.</summary>
    Patch,
    /// <summary>OPTIONS.</summary>
    Options,
}

/// <summary>Maps request-method text to <see cref="HttpMethodKind"/> without allocating.</summary>
public static class HttpMethodKinds
{
    /// <summary>
    /// Parses a method token, case-sensitively as RFC 9110 section 9.1 requires ("get" is not GET).
    /// </summary>
    /// <param name="method">The method as sent, e.g. <c>"GET"</c>.</param>
    /// <returns>The kind, or <see cref="HttpMethodKind.Unknown"/> for any other token.</returns>
    public static HttpMethodKind Parse(ReadOnlySpan<char> method) => method switch
    {
        "GET" => HttpMethodKind.Get,
        "POST" => HttpMethodKind.Post,
        "DELETE" => HttpMethodKind.Delete,
        "PUT" => HttpMethodKind.Put,
        "PATCH" => HttpMethodKind.Patch,
        "HEAD" => HttpMethodKind.Head,
        "OPTIONS" => HttpMethodKind.Options,
        _ => HttpMethodKind.Unknown,
    };
}
