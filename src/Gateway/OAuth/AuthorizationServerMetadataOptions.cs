namespace FastGateway.OAuth;

/// <summary>
/// The keys of configuration section <c>OAuth</c> that the metadata document (RFC 8414) reads. Bound from
/// the same section as <c>OAuthOptions</c>; kept apart so the document's inputs are in one place.
/// </summary>
internal sealed record AuthorizationServerMetadataOptions
{
    /// <summary>
    /// <c>OAuth:Issuer</c>: the issuer identifier (RFC 8414 section 2), an https URL without query or
    /// fragment, e.g. <c>https://auth.example.com</c>; endpoint URLs in the document are built on it.
    /// Unset (the default): the request's <c>scheme://host</c> plus path base, so the document always
    /// points back at the address it was fetched from. Set it in production: the Host header is the
    /// client's to choose.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary><c>OAuth:AllowPlainPkce</c>: also advertise the PKCE <c>plain</c> method (RFC 7636 section 4.2). Default false: S256 only.</summary>
    public bool AllowPlainPkce { get; set; }
}
