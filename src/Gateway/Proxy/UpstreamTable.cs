using System.Text;
using FastGateway.Generated;
using FastGateway.Hosting;

namespace FastGateway.Proxy;

/// <summary>One API's upstream: where to connect, what to send as <c>Host</c> and the path prefix, and its connection pool.</summary>
internal sealed class Upstream : IDisposable
{
    /// <summary>Creates the upstream for <paramref name="uri"/> (absolute http/https URL without query or fragment).</summary>
    public Upstream(Uri uri, ProxyOptions options, PathPolicyOptions pathPolicy)
    {
        RejectedPathOctets = pathPolicy.Rejected;
        // Uri.Host keeps an IPv6 literal's brackets (needed in Host); IdnHost drops them and punycodes (needed to connect).
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        HostHeader = Encoding.ASCII.GetBytes(uri.IsDefaultPort ? host : $"{host}:{uri.Port}");
        // Kept without a trailing '/' so the request's remaining path (which starts with '/') appends cleanly.
        PathPrefix = Encoding.ASCII.GetBytes(uri.AbsolutePath.TrimEnd('/'));
        Pool = new UpstreamConnectionPool(uri.IdnHost, uri.Port, uri.Scheme == Uri.UriSchemeHttps,
            TimeSpan.FromSeconds(options.ConnectTimeout), TimeSpan.FromSeconds(options.IdleTimeout));
    }

    /// <summary>The <c>Host</c> field value (RFC 9110 section 7.2): host, and port when not the scheme's default; ASCII.</summary>
    public byte[] HostHeader { get; }

    /// <summary>The upstream URL's path (already percent-encoded ASCII, no trailing '/'; empty for the root).</summary>
    public byte[] PathPrefix { get; }

    /// <summary>The kinds of risky path octets this API refuses (its <see cref="PathPolicyOptions"/>).</summary>
    public PathOctets RejectedPathOctets { get; }

    /// <summary>Idle HTTP/1.1 connections to this upstream.</summary>
    public UpstreamConnectionPool Pool { get; }

    /// <inheritdoc/>
    public void Dispose() => Pool.Dispose();
}

/// <summary>
/// Where each API's requests go: <c>Upstreams:&lt;api name&gt;</c> per generated API, resolved once
/// at start and indexed like <see cref="GatewayDefinition.Apis"/>.
/// </summary>
internal sealed class UpstreamTable : IDisposable
{
    private readonly Upstream[] _upstreams;

    private UpstreamTable(Upstream[] upstreams) => _upstreams = upstreams;

    /// <summary>Reads every API's upstream from configuration.</summary>
    /// <exception cref="InvalidOperationException">An API has no upstream, or it is not an absolute http/https URL, or its
    /// path policy has a value that is not Reject or Forward.</exception>
    public static UpstreamTable FromConfiguration(IConfiguration configuration, ProxyOptions options)
    {
        var apis = GatewayDefinition.Apis;
        var upstreams = new Upstream[apis.Count];
        for (var i = 0; i < apis.Count; i++)
        {
            var uri = Resolve(configuration, apis[i], out var problem) ?? throw new InvalidOperationException(problem);

            // Proxy:PathPolicy for every API, then what Proxy:Apis:<name>:PathPolicy overrides.
            var pathPolicy = options.PathPolicy with { };
            configuration.GetSection($"Proxy:Apis:{apis[i].Name}:PathPolicy").Bind(pathPolicy);
            upstreams[i] = new Upstream(uri, options, pathPolicy);
        }

        return new UpstreamTable(upstreams);
    }

    /// <summary>Reads <c>Upstreams:&lt;api name&gt;</c> for <paramref name="api"/> (also used by <c>FastGateway check</c>).</summary>
    /// <returns>The upstream URL, or null with <paramref name="problem"/> saying what is wrong.</returns>
    public static Uri? Resolve(IConfiguration configuration, FastGateway.Contracts.ApiDescriptor api, out string problem)
    {
        var key = $"Upstreams:{api.Name}";
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = $"{key} is not configured: set it to the base URL of the '{api.DisplayName}' upstream, e.g. --{key}=http://127.0.0.1:5081";
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length != 0 || uri.Fragment.Length != 0)
        {
            problem = $"{key} = '{value}' must be an absolute http or https URL without query or fragment";
            return null;
        }

        problem = "";
        return uri;
    }

    /// <summary>The upstream of API <paramref name="apiIndex"/>.</summary>
    public Upstream this[int apiIndex] => _upstreams[apiIndex];

    /// <summary>Closes every pooled upstream connection.</summary>
    public void Dispose()
    {
        foreach (var upstream in _upstreams)
        {
            upstream.Dispose();
        }
    }
}
