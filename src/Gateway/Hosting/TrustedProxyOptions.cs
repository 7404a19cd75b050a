namespace FastGateway.Hosting;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>, as <see cref="TrustedProxies"/> reads it: each key is a list, or one
/// string separated by <c>,</c> or <c>;</c>. Declared for the key check (<see cref="ConfigurationSections"/>).
/// </summary>
internal sealed record TrustedProxyOptions
{
    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>CIDR prefixes of trusted proxies, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}
