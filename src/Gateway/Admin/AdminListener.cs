using System.Net;
using FastGateway.Errors;
using FastGateway.Hosting;

namespace FastGateway.Admin;

/// <summary>
/// <c>Admin:Urls</c>: the admin API's own listener, as Kong's <c>admin_listen</c> (e.g. <c>http://127.0.0.1:9901</c>, so
/// the admin API is reachable only from the host or a private network while the public listener faces the internet).
/// </summary>
/// <remarks>
/// <para>
/// The URLs are bound by Kestrel beside the public ones (<c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c>, or
/// <c>Kestrel:Endpoints</c>); requests are told apart by the port they arrived on, never by <c>Host</c> (the client
/// chooses that field, so <c>RequireHost</c> would let a caller on the public listener reach the admin API).
/// </para>
/// <code>
/// public port ──► /admin/v1/..., /invoke/pub.oauth/removeExpiredAccessTokens ──► 404 (<see cref="Guard"/>)
///             └─► everything else as without Admin:Urls
/// admin port  ──► <see cref="ServedPaths"/> ──► endpoint routing (admin key, OAuth:RequireHttps)
///             └─► anything else (OAuth endpoints, protected APIs, pages) ──► 404 before the proxy (<see cref="Gate"/>)
/// </code>
/// <para>
/// Cost: without <c>Admin:Urls</c>, nothing is added to any request. With it, every request pays one read of its local
/// port and a compare, in <see cref="Gate"/>; proxied requests nothing more.
/// </para>
/// </remarks>
internal sealed class AdminListener
{
    /// <summary>Paths served on the admin listener: the admin API, the webMethods expired-token service, metrics and
    /// the health probes. Anything else there is 404.</summary>
    public static readonly string[] ServedPaths = ["/admin/v1", "/invoke/pub.oauth/removeExpiredAccessTokens", "/metrics", "/healthz", "/readyz"];

    private readonly int[] _ports;

    private AdminListener(int[] ports) => _ports = ports;

    /// <summary>Whether <c>Admin:Urls</c> is set.</summary>
    public bool IsConfigured => _ports.Length != 0;

    /// <summary>The admin listener's ports (empty without <c>Admin:Urls</c>).</summary>
    public IReadOnlyList<int> Ports => _ports;

    /// <summary>
    /// Reads <c>Admin:Urls</c> and, when set, has Kestrel listen on those URLs as well as on the public ones.
    /// </summary>
    /// <param name="builder">The gateway's builder: its configuration, and its web host for the listening URLs.</param>
    /// <exception cref="InvalidOperationException">An entry is not an http(s) URL with a non-zero port (80 or 443 when left out), or its port
    /// is also a public listener's.</exception>
    public static AdminListener Listen(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var admin = Split(configuration["Admin:Urls"]);
        if (admin.Length == 0)
        {
            return new AdminListener([]);
        }

        var ports = new int[admin.Length];
        for (var i = 0; i < admin.Length; i++)
        {
            ports[i] = AdminPort(admin[i]);
        }

        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToArray();
        string[] publicUrls;
        if (endpoints.Length != 0)
        {
            // Kestrel:Endpoints set: Kestrel ignores --urls, so the admin URLs join those endpoints. Kestrel binds them in
            // key order: "~" sorts after any name an operator writes, so a public endpoint stays the first address.
            publicUrls = [.. endpoints.Select(endpoint => endpoint["Url"] ?? "")];
            configuration.AddInMemoryCollection(admin.Select((url, i) => KeyValuePair.Create<string, string?>($"Kestrel:Endpoints:~AdminListener{i}:Url", url)));
        }
        else
        {
            // The public URLs as the host would resolve them (urls, else the HTTP(S)_PORTS variables, else its default),
            // then the admin ones after them: the public listener stays the first address.
            publicUrls = Split(configuration[WebHostDefaults.ServerUrlsKey]);
            if (publicUrls.Length == 0)
            {
                publicUrls = [.. Split(configuration[WebHostDefaults.HttpPortsKey]).Select(port => $"http://*:{port}"),
                    .. Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(port => $"https://*:{port}")];
            }

            if (publicUrls.Length == 0)
            {
                publicUrls = ["http://localhost:5000"];
            }

            builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, null);
            builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, null);
            builder.WebHost.UseUrls([.. publicUrls, .. admin]);
        }

        foreach (var url in publicUrls)
        {
            if (TryParse(url) is { Port: var port and not 0 } && ports.Contains(port))
            {
                throw new InvalidOperationException($"Admin:Urls: port {port} is also a public listener's ({url}); the admin listener needs a port of its own");
            }
        }

        return new AdminListener(ports);
    }

    /// <summary>Whether <paramref name="context"/> arrived on the admin listener.</summary>
    public bool IsAdminRequest(HttpContext context) => _ports.Length != 0 && _ports.AsSpan().Contains(context.Connection.LocalPort);

    /// <summary>
    /// Wraps an admin endpoint (and the issue-14 <c>/metrics</c>): 404 unless the request came in on the admin listener
    /// (when there is one); then <c>OAuth:RequireHttps</c> (400 <c>invalid_request</c> over plain HTTP, before the key is
    /// checked), except on an admin listener bound to a loopback address, whose traffic never leaves the host.
    /// </summary>
    public RequestDelegate Guard(HttpsRequirement https, RequestDelegate endpoint)
    {
        var withHttps = https.Wrap(endpoint);
        if (_ports.Length == 0)
        {
            return withHttps;
        }

        return context => !IsAdminRequest(context) ? NotFound(context)
            : context.Connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local) ? endpoint(context)
            : withHttps(context);
    }

    /// <summary>
    /// Wraps an endpoint served only on the admin listener (<c>/metrics</c> when <c>Admin:Urls</c> is set): 404 anywhere
    /// else, as if it did not exist; no key and no HTTPS rule on the admin listener itself.
    /// </summary>
    public RequestDelegate AdminOnly(RequestDelegate endpoint) => context => IsAdminRequest(context) ? endpoint(context) : NotFound(context);

    /// <summary>
    /// The middleware placed before the proxy when <c>Admin:Urls</c> is set: on the admin listener, only
    /// <see cref="ServedPaths"/> go on; anything else is 404, so neither the protected APIs nor the OAuth endpoints answer there.
    /// </summary>
    public RequestDelegate Gate(RequestDelegate next) => context => IsAdminRequest(context) && !IsServedPath(context.Request.Path)
        ? NotFound(context)
        : next(context);

    private static bool IsServedPath(PathString path)
    {
        foreach (var served in ServedPaths)
        {
            if (path.StartsWithSegments(served, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // The body of any unknown path (GatewayApp's status-code pages): the public listener does not tell that an admin API exists.
    private static Task NotFound(HttpContext context) =>
        ErrorResponse.WriteAsync(context, 404, ErrorCodes.NotFound, $"nothing here: {context.Request.Method} {context.Request.Path}");

    /// <summary>Every malformed entry of <c>Admin:Urls</c>, one message each (also used by <c>FastGateway check</c>); the
    /// clash with a public listener's port is found only at start, where the public URLs are resolved.</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        foreach (var url in Split(configuration["Admin:Urls"]))
        {
            string? problem = null;
            try
            {
                AdminPort(url);
            }
            catch (InvalidOperationException e)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }

    private static int AdminPort(string url)
    {
        var address = TryParse(url)
            ?? throw new InvalidOperationException($"Admin:Urls: '{url}' is not a URL like http://127.0.0.1:9901");
        if (address.IsUnixPipe || address.Scheme is not ("http" or "https") || address.PathBase.Length != 0)
        {
            throw new InvalidOperationException($"Admin:Urls: '{url}' must be http:// or https:// with a host and a port and no path, like http://127.0.0.1:9901");
        }

        return address.Port is > 0 and <= 65535
            ? address.Port
            : throw new InvalidOperationException($"Admin:Urls: '{url}' needs a port from 1 to 65535 (0, any free port, cannot be told apart from the public ones)");
    }

    private static BindingAddress? TryParse(string url)
    {
        try
        {
            return BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string[] Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
