using FastGateway.Generated;

namespace FastGateway.Proxy;

/// <summary>
/// Where each API's requests go: <c>Upstreams:&lt;api name&gt;</c> per generated API, resolved once
/// at start and indexed like <see cref="GatewayDefinition.Apis"/>.
/// </summary>
internal sealed class UpstreamTable
{
    private readonly string[] _prefixes;

    private UpstreamTable(string[] prefixes) => _prefixes = prefixes;

    /// <summary>Reads every API's upstream from configuration.</summary>
    /// <exception cref="InvalidOperationException">An API has no upstream, or it is not an absolute http/https URL.</exception>
    public static UpstreamTable FromConfiguration(IConfiguration configuration)
    {
        var apis = GatewayDefinition.Apis;
        var prefixes = new string[apis.Count];
        for (var i = 0; i < apis.Count; i++)
        {
            var key = $"Upstreams:{apis[i].Name}";
            var value = configuration[key];
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException($"{key} is not configured: set it to the base URL of the '{apis[i].DisplayName}' upstream, e.g. --{key}=http://127.0.0.1:5081");
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length != 0 || uri.Fragment.Length != 0)
            {
                throw new InvalidOperationException($"{key} = '{value}' must be an absolute http or https URL without query or fragment");
            }

            // Kept without a trailing '/' so the request's remaining path (which starts with '/') appends cleanly.
            prefixes[i] = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        return new UpstreamTable(prefixes);
    }

    /// <summary>The upstream base URL (scheme, authority and optional path, no trailing '/') of API <paramref name="apiIndex"/>.</summary>
    public string this[int apiIndex] => _prefixes[apiIndex];
}
