using FastGateway.Admin;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FastGateway.Hosting;

/// <summary>
/// The issuer identifier (RFC 8414 section 2): the metadata document's <c>issuer</c>, its endpoint URLs, and the
/// <c>iss</c> of every authorization response (RFC 9207). Never taken from a request: the <c>Host</c> field is the
/// client's to choose, and an issuer built from it lets a caller plant a URL of its own in the metadata document.
/// </summary>
/// <remarks>
/// <c>OAuth:Issuer</c> when set, validated at start (<see cref="Validate"/>). Unset: the gateway's own first listening
/// address (an https one when there is one, never the admin listener's; a wildcard host reads as <c>localhost</c>), with a warning at start, since
/// clients behind a load balancer or DNS name will then see an issuer they did not call.
/// </remarks>
internal sealed class IssuerIdentifier
{
    private readonly string? _configured;
    private readonly IServer _server;
    private readonly AdminListener _adminListener;
    private string? _fromListener;

    /// <summary>Reads <c>OAuth:Issuer</c>.</summary>
    /// <exception cref="InvalidOperationException">The configured issuer is not a valid issuer identifier.</exception>
    public IssuerIdentifier(IOptions<OAuthOptions> options, IServer server, AdminListener adminListener, ILogger<IssuerIdentifier> logger)
    {
        _server = server;
        _adminListener = adminListener;
        var issuer = options.Value.Issuer;
        if (string.IsNullOrEmpty(issuer))
        {
            logger.LogWarning(EventIds.IssuerUnset, "OAuth:Issuer is not set: the issuer is this process's first listening address, which clients behind a load balancer or a DNS name do not call. Set OAuth:Issuer to the https URL clients use (README, \"Configuration\")");
            return;
        }

        if (Validate(issuer, options.Value.RequireHttps) is { } problem)
        {
            throw new InvalidOperationException($"OAuth:Issuer: {problem}");
        }

        _configured = issuer.TrimEnd('/');
    }

    /// <summary>Whether <c>OAuth:Issuer</c> is set.</summary>
    public bool IsConfigured => _configured is not null;

    /// <summary>The issuer, without a trailing slash, e.g. <c>https://auth.example.com</c>.</summary>
    public string Value => _configured ?? (_fromListener ??= FromListener());

    /// <summary>
    /// Checks an issuer identifier (RFC 8414 section 2): an absolute URL, https (http only while
    /// <paramref name="requireHttps"/> is false), no query, no fragment, no user information.
    /// </summary>
    /// <returns>Null when valid, else what is wrong.</returns>
    public static string? Validate(string issuer, bool requireHttps)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return $"'{issuer}' is not an absolute http(s) URL";
        }

        if (uri.Scheme == "http" && requireHttps)
        {
            return "must be an https URL (RFC 8414 section 2); http is allowed only while OAuth:RequireHttps is false";
        }

        if (issuer.Contains('?') || issuer.Contains('#'))
        {
            return "must have no query and no fragment (RFC 8414 section 2)";
        }

        return uri.UserInfo.Length > 0 ? "must have no user information" : null;
    }

    private string FromListener()
    {
        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Where(address => !_adminListener.Ports.Contains(BindingAddress.Parse(address).Port)).ToArray();
        var address = addresses?.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ?? addresses?.FirstOrDefault()
            ?? "http://localhost";
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.GetLeftPart(UriPartial.Authority);
    }
}
