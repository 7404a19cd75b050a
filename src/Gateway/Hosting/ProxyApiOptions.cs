using FastGateway.Proxy;

namespace FastGateway.Hosting;

/// <summary>Configuration section <c>Proxy:Apis:&lt;api name&gt;</c>: settings of one API that override <c>Proxy</c>'s.</summary>
internal sealed record ProxyApiOptions
{
    /// <summary>Overrides <c>Proxy:PathPolicy</c> for this API (read by <c>UpstreamTable</c>).</summary>
    public PathPolicyOptions PathPolicy { get; set; } = new();
}
