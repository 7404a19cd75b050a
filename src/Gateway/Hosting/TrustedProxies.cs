using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FastGateway.Hosting;

/// <summary>
/// Behind a TLS-terminating load balancer: <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed from the
/// proxies of <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR
/// prefixes), with ASP.NET Core's ForwardedHeaders middleware, and from no one else.
/// </summary>
/// <remarks>
/// <para>
/// The chain is walked from the right while the hop that sent it is trusted (nginx's <c>real_ip_recursive</c>), so the
/// client address is the first untrusted one and whatever a client wrote further left is ignored. The request then
/// reads as the client's: <c>OAuth:RequireHttps</c> (<c>IsHttps</c>) accepts what the balancer received over TLS, and
/// the proxy writes the client's address as the upstream's <c>X-Forwarded-For</c> (one address, as without a balancer)
/// and its scheme as <c>X-Forwarded-Proto</c>. <c>X-Forwarded-Host</c> is not believed: nothing of the gateway's is
/// built from the host (see <see cref="IssuerIdentifier"/>).
/// </para>
/// <para>
/// Neither key set (the default): the middleware is not added, headers from anyone are ignored, and requests pay
/// nothing. The middleware runs before the proxy, so proxied requests see the same client as the OAuth endpoints.
/// </para>
/// </remarks>
internal static class TrustedProxies
{
    private const string Section = "ForwardedHeaders";

    /// <summary>Configures <see cref="ForwardedHeadersOptions"/> from <c>ForwardedHeaders:KnownProxies</c> and
    /// <c>ForwardedHeaders:KnownNetworks</c> (arrays, or one string separated by <c>,</c> or <c>;</c>).</summary>
    /// <exception cref="InvalidOperationException">An entry is not an IP address or a CIDR prefix.</exception>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = List(configuration.GetSection($"{Section}:KnownProxies"));
        var networks = List(configuration.GetSection($"{Section}:KnownNetworks"));
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return services;
        }

        if (Problems(configuration).FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var addresses = proxies.Select(entry => IPAddress.Parse(entry)).ToArray();
        var prefixes = networks.Select(entry => System.Net.IPNetwork.Parse(entry)).ToArray();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what the operator listed is trusted.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in addresses)
            {
                options.KnownProxies.Add(address);
            }

            foreach (var network in prefixes)
            {
                options.KnownIPNetworks.Add(network);
            }

            // No hop limit: the walk stops at the first untrusted hop, however many trusted ones precede it.
            options.ForwardLimit = null;
            // The middleware keeps the balancer's values under these names; under X-Forwarded-* the proxy never forwards them.
            options.OriginalForHeaderName = "X-Forwarded-Original-For";
            options.OriginalProtoHeaderName = "X-Forwarded-Original-Proto";
        });
        return services;
    }

    /// <summary>Every entry of <c>ForwardedHeaders:KnownProxies</c> and <c>KnownNetworks</c> that is not an address or a
    /// CIDR prefix, one message each (also used by <c>FastGateway check</c>).</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration) =>
        List(configuration.GetSection($"{Section}:KnownProxies")).Where(entry => !IPAddress.TryParse(entry, out _))
            .Select(entry => $"{Section}:KnownProxies: '{entry}' is not an IP address (e.g. 10.0.0.5 or ::1)")
            .Concat(List(configuration.GetSection($"{Section}:KnownNetworks")).Where(entry => !System.Net.IPNetwork.TryParse(entry, out _))
                .Select(entry => $"{Section}:KnownNetworks: '{entry}' is not a CIDR prefix (e.g. 10.0.0.0/8)"));

    /// <summary>Adds the ForwardedHeaders middleware when trusted proxies are configured; goes before the proxy.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (List(app.Configuration.GetSection($"{Section}:KnownProxies")).Length != 0 || List(app.Configuration.GetSection($"{Section}:KnownNetworks")).Length != 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    private static string[] List(IConfigurationSection section) => section.Value is { } value
        ? value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : [.. section.GetChildren().Select(child => child.Value?.Trim()).OfType<string>().Where(entry => entry.Length != 0)];
}
