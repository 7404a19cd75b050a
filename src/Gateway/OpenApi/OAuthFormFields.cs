using FastGateway.OAuth;

namespace FastGateway.OpenApi;

/// <summary>The form fields of the OAuth endpoints, by their RFC names, for <see cref="EndpointDocumentation.AcceptsForm"/>.</summary>
internal static class OAuthFormFields
{
    /// <summary><c>client_id</c> (client_secret_post, or a public client's only credential).</summary>
    public static readonly FormField ClientId = new("client_id", "The client, when not authenticated with HTTP Basic: with `client_secret` (client_secret_post, RFC 6749 section 2.3.1), or alone for a public client.");

    /// <summary><c>client_secret</c> (client_secret_post).</summary>
    public static readonly FormField ClientSecret = new("client_secret", "The client's secret, when not sent with HTTP Basic (RFC 6749 section 2.3.1).");

    /// <summary>The token endpoint's fields (RFC 6749 sections 4.1.3, 4.3.2, 4.4.2, 6; RFC 7636 section 4.5).</summary>
    public static readonly FormField[] Token =
    [
        new("grant_type", "The grant (RFC 6749 sections 4.1.3, 4.3.2, 4.4.2 and 6).", Required: true,
            Values: [GrantTypes.AuthorizationCode, GrantTypes.Password, GrantTypes.ClientCredentials, GrantTypes.RefreshToken]),
        new("code", "authorization_code: the code from the authorization endpoint (RFC 6749 section 4.1.3)."),
        new("redirect_uri", "authorization_code: the redirect_uri of the authorization request, when it carried one (RFC 6749 section 4.1.3)."),
        new("code_verifier", "authorization_code: the PKCE verifier (RFC 7636 section 4.5); required when the request had a code_challenge."),
        new("refresh_token", "refresh_token: the refresh token to rotate (RFC 6749 section 6)."),
        new("username", "password: the resource owner's username (RFC 6749 section 4.3.2)."),
        new("password", "password: the resource owner's password (RFC 6749 section 4.3.2)."),
        new("scope", "Requested scopes, space-separated (RFC 6749 section 3.3); client_credentials and password default to the client's allowed scopes, refresh_token may only narrow the grant's."),
        ClientId,
        ClientSecret,
    ];

    /// <summary>The introspection and revocation endpoints' fields (RFC 7662 section 2.1, RFC 7009 section 2.1).</summary>
    public static readonly FormField[] TokenParameter =
    [
        new("token", "The access or refresh token (RFC 7662 section 2.1, RFC 7009 section 2.1).", Required: true),
        new("token_type_hint", "access_token or refresh_token; accepted and ignored (one lookup finds every kind of token).", Values: ["access_token", "refresh_token"]),
        ClientId,
        ClientSecret,
    ];
}
