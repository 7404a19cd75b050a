using System.Collections.Frozen;
using FastGateway.Hosting;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Proxy;

/// <summary>
/// Which client request fields may reach an upstream, and whether a field line is well-formed enough to be written
/// into an HTTP/1.1 head (RFC 9110 section 5). Built once from <see cref="ProxyOptions"/>.
/// </summary>
/// <remarks>
/// Never forwarded, whatever the configuration: the hop-by-hop fields (RFC 9110 section 7.6.1) and those the client's
/// <c>Connection</c> names; the framing fields <c>Content-Length</c> and <c>Transfer-Encoding</c> (the gateway writes its
/// own); the fields the gateway sets or answers itself (<c>Host</c>, <c>Authorization</c>, <c>Expect</c>, identity
/// <c>X-Client-Id</c>/<c>X-Owner</c>/<c>X-Scope</c>, <c>Forwarded</c> and every <c>X-Forwarded-*</c>, the trace context
/// <c>traceparent</c>/<c>tracestate</c> and <c>X-Request-Id</c>); and any field whose
/// name equals one of those once <c>_</c> is read as <c>-</c> (CGI, WSGI, PHP and Rack merge <c>X_Scope</c> with
/// <c>X-Scope</c>). Stripped by default and configurable (<see cref="DefaultStripped"/>): fields that make upstream
/// frameworks change the method, the URL or the client address they see.
/// </remarks>
internal sealed class RequestFieldPolicy
{
    /// <summary>Stripped unless listed in <c>Proxy:AllowRequestFields</c>: the method-override family (Rails, Laravel,
    /// Express's method-override, Spring's HiddenHttpMethodFilter), the URL-override family (IIS, Symfony, nginx
    /// auth_request) and the alternate client-address fields (nginx real_ip, Akamai, Cloudflare).</summary>
    public static readonly string[] DefaultStripped =
    [
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
        "X-Original-URL", "X-Original-URI", "X-Rewrite-URL", "X-Original-Method", "X-Original-Host", "X-Host",
        "X-Real-IP", "True-Client-IP", "X-Client-IP", "CF-Connecting-IP", "X-Cluster-Client-IP", "Fastly-Client-IP",
    ];

    /// <summary>Fields the gateway owns in requests it forwards: never forwarded from a client, not configurable.</summary>
    /// <remarks>Expect: Kestrel answers <c>100 Continue</c> itself when the body is first read (RFC 9110 section 10.1.1).</remarks>
    public static readonly string[] GatewayOwned =
    [
        .. Http1Request.HopByHop, "Content-Length", "Host", "Authorization", "Expect", "X-Client-Id", "X-Owner", "X-Scope", "Forwarded",
        // The gateway writes the trace context and the request id itself (Observability/RequestTrace), from parsed values.
        "traceparent", "tracestate", "X-Request-Id",
    ];

    private const string ForwardedPrefix = "X-Forwarded-";

    private readonly FrozenSet<string> _stripped;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _strippedLookup;

    /// <summary>Builds the policy: <see cref="GatewayOwned"/>, plus <see cref="DefaultStripped"/> less
    /// <paramref name="allow"/>, plus <paramref name="strip"/>.</summary>
    /// <param name="strip"><c>Proxy:StripRequestFields</c>: more field names to strip.</param>
    /// <param name="allow"><c>Proxy:AllowRequestFields</c>: names of <see cref="DefaultStripped"/> to forward after all.</param>
    /// <exception cref="InvalidOperationException">A name is not a token, or <paramref name="allow"/> names a field the
    /// gateway owns.</exception>
    public RequestFieldPolicy(IEnumerable<string> strip, IEnumerable<string> allow)
    {
        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in allow)
        {
            if (IsOwned(name))
            {
                throw new InvalidOperationException($"Proxy:AllowRequestFields lists '{name}', which the gateway writes itself or never forwards");
            }

            allowed.Add(name);
        }

        var stripped = new HashSet<string>(GatewayOwned, StringComparer.OrdinalIgnoreCase);
        foreach (var name in DefaultStripped.Concat(strip))
        {
            if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(HttpCharacters.TokenChars))
            {
                throw new InvalidOperationException($"Proxy:StripRequestFields: '{name}' is not a field name (RFC 9110 section 5.1)");
            }

            if (!allowed.Contains(name))
            {
                stripped.Add(name.Replace('_', '-'));
            }
        }

        _stripped = stripped.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _strippedLookup = _stripped.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The policy with the defaults and <paramref name="options"/>' lists.</summary>
    public static RequestFieldPolicy FromOptions(ProxyOptions options) => new(options.StripRequestFields, options.AllowRequestFields);

    /// <summary>Whether a client field with this name is kept from the upstream (ignoring <c>Connection</c>; see
    /// <see cref="IsConnectionOption"/>).</summary>
    public bool IsStripped(string name)
    {
        if (_stripped.Contains(name) || name.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Rare: an underscore spelling of a stripped name.
        return name.Contains('_') && IsStrippedWithHyphens(name);
    }

    /// <summary>Whether <paramref name="name"/> is an RFC 9110 field name (a token).</summary>
    public static bool IsValidName(ReadOnlySpan<char> name) => !name.IsEmpty && !name.ContainsAnyExcept(HttpCharacters.TokenChars);

    /// <summary>Whether <paramref name="value"/> may be written as a field value: no CR, LF, NUL or other control but HTAB.</summary>
    public static bool IsValidValue(ReadOnlySpan<char> value) => !value.ContainsAny(HttpCharacters.FieldValueControls);

    /// <summary>Whether <paramref name="name"/> is listed in a Connection field (and so hop-by-hop, RFC 9110 section 7.6.1),
    /// ignoring case and reading <c>_</c> as <c>-</c>. Reads the options as <see cref="ConnectionFieldEncoding"/> left them.</summary>
    public static bool IsConnectionOption(StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (EqualsWithHyphens(ConnectionFieldEncoding.Unmark(value.AsSpan(range).Trim(" \t")), name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Case-insensitive, with '_' and '-' the same (an option X-Hop also names X_Hop, as the stripped names do).
    private static bool EqualsWithHyphens(ReadOnlySpan<char> option, string name)
    {
        if (option.Length != name.Length)
        {
            return false;
        }

        for (var i = 0; i < option.Length; i++)
        {
            char a = option[i], b = name[i];
            if (a != b && (a is '_' ? '-' : char.ToLowerInvariant(a)) != (b is '_' ? '-' : char.ToLowerInvariant(b)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsOwned(string name)
    {
        var hyphens = name.Replace('_', '-');
        return GatewayOwned.Contains(hyphens, StringComparer.OrdinalIgnoreCase) || hyphens.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase);
    }

    private bool IsStrippedWithHyphens(string name)
    {
        Span<char> hyphens = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        name.AsSpan().Replace(hyphens, '_', '-');
        return _strippedLookup.Contains(hyphens) || hyphens.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase);
    }
}
