namespace FastGateway.Hosting;

/// <summary>
/// <c>Bootstrap:Clients:N:RateLimit</c>: a bootstrapped client's quota on the protected APIs (client metadata
/// <c>rate_limit</c>), e.g. <c>Bootstrap__Clients__0__RateLimit__Requests=100</c> and
/// <c>Bootstrap__Clients__0__RateLimit__WindowSeconds=60</c>. Both must be set; same limits as the admin API's.
/// </summary>
internal sealed record BootstrapRateLimitOptions
{
    /// <summary>Requests per window.</summary>
    public int Requests { get; set; }

    /// <summary>The window, in seconds.</summary>
    public int WindowSeconds { get; set; }
}
