namespace FastGateway.Proxy;

/// <summary>What the gateway does with one kind of risky octet in a request path (<see cref="PathPolicyOptions"/>).</summary>
internal enum PathOctetAction
{
    /// <summary>Refuse the request: 400 <c>invalid_request</c>, nothing is sent upstream. The default for every kind.</summary>
    Reject,

    /// <summary>Forward it exactly as received, and match the route on it as received (undecoded), so the path that was
    /// authorized is the path the upstream gets. An upstream that decodes or resolves it may then see another path.</summary>
    Forward,
}

/// <summary>Kinds of path octets the policy decides on (bit flags, one per <see cref="PathPolicyOptions"/> property).</summary>
[Flags]
internal enum PathOctets
{
    /// <summary>Nothing risky.</summary>
    None = 0,

    /// <summary><c>%2F</c> or <c>%5C</c>: a slash or backslash inside a segment (Envoy's <c>path_with_escaped_slashes_action</c>).</summary>
    EscapedSlashes = 1,

    /// <summary>A segment that is <c>.</c> or <c>..</c> once <c>%2E</c> is decoded (<c>%2e%2e</c>, <c>.%2E</c>).</summary>
    EncodedDotSegments = 2,

    /// <summary><c>%25</c> followed by two hex digits: an escape that a second decoding turns into another octet.</summary>
    DoubleEncoding = 4,

    /// <summary><c>%01</c> to <c>%1F</c> and <c>%7F</c> (<c>%00</c> is always refused).</summary>
    EncodedControlCharacters = 8,

    /// <summary>An empty segment (<c>//</c>), which upstreams that merge slashes (nginx's default) read as one.</summary>
    EmptySegments = 16,
}

/// <summary>
/// Configuration section <c>Proxy:PathPolicy</c> (every API), overridden per API by <c>Proxy:Apis:&lt;api name&gt;:PathPolicy</c>:
/// for each kind of risky octet in a request path, whether it is refused or forwarded as received. As Envoy's
/// <c>normalize_path</c>, <c>merge_slashes</c> and <c>path_with_escaped_slashes_action</c>, so the path that is matched
/// and authorized is the path that is forwarded (README, "Security").
/// </summary>
/// <remarks>Refused whatever the policy: <c>%00</c>, literal dot segments (<c>/./</c>, <c>/../</c>), malformed escapes
/// and raw octets outside RFC 3986's path grammar (section 3.3).</remarks>
internal sealed record PathPolicyOptions
{
    /// <summary><c>%2F</c> and <c>%5C</c>. Default <see cref="PathOctetAction.Reject"/>.</summary>
    public PathOctetAction EscapedSlashes { get; set; }

    /// <summary>Segments that decode to <c>.</c> or <c>..</c>. Default <see cref="PathOctetAction.Reject"/>.</summary>
    public PathOctetAction EncodedDotSegments { get; set; }

    /// <summary><c>%25</c> followed by two hex digits. Default <see cref="PathOctetAction.Reject"/>.</summary>
    public PathOctetAction DoubleEncoding { get; set; }

    /// <summary><c>%01</c>-<c>%1F</c> and <c>%7F</c>. Default <see cref="PathOctetAction.Reject"/>.</summary>
    public PathOctetAction EncodedControlCharacters { get; set; }

    /// <summary>Empty segments (<c>//</c>). Default <see cref="PathOctetAction.Reject"/>.</summary>
    public PathOctetAction EmptySegments { get; set; }

    /// <summary>The kinds this policy refuses, as flags.</summary>
    public PathOctets Rejected =>
        (EscapedSlashes == PathOctetAction.Reject ? PathOctets.EscapedSlashes : 0)
        | (EncodedDotSegments == PathOctetAction.Reject ? PathOctets.EncodedDotSegments : 0)
        | (DoubleEncoding == PathOctetAction.Reject ? PathOctets.DoubleEncoding : 0)
        | (EncodedControlCharacters == PathOctetAction.Reject ? PathOctets.EncodedControlCharacters : 0)
        | (EmptySegments == PathOctetAction.Reject ? PathOctets.EmptySegments : 0);
}
