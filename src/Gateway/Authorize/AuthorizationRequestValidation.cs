using FastGateway.Clients;

namespace FastGateway.Authorize;

/// <summary>
/// What <see cref="AuthorizationRequestValidator.Validate"/> decided about an authorization request:
/// <list type="bullet">
/// <item>valid (<see cref="Error"/> null): <see cref="Client"/> and <see cref="Request"/> are set;</item>
/// <item>an error the client must hear through its redirect URI (RFC 6749 sections 4.1.2.1 and 4.2.2.1): <see cref="Error"/> and <see cref="Request"/> are set;</item>
/// <item>an error shown to the user on an error page, never redirected, because the client or its redirect URI is not
/// trusted (section 3.1.2.4): <see cref="Error"/> is set, <see cref="Request"/> is null.</item>
/// </list>
/// </summary>
internal sealed record AuthorizationRequestValidation
{
    /// <summary>The client, once <c>client_id</c> named a registered, active one.</summary>
    public OAuthClient? Client { get; private init; }

    /// <summary>The request, once the redirect URI is trusted (valid requests and redirected errors).</summary>
    public AuthorizationRequest? Request { get; private init; }

    /// <summary>An RFC 6749 error code (<see cref="Errors.ErrorCodes"/>), or null when the request is valid.</summary>
    public string? Error { get; private init; }

    /// <summary>The <c>error_description</c>: fixed text, never the client's input.</summary>
    public string Description { get; private init; } = "";

    /// <summary>Whether the request is valid.</summary>
    public bool IsValid => Error is null;

    /// <summary>Whether the error goes back to the client by redirect (else: an error page).</summary>
    public bool RedirectsError => Error is not null && Request is not null;

    /// <summary>A valid request.</summary>
    public static AuthorizationRequestValidation Valid(OAuthClient client, AuthorizationRequest request) => new() { Client = client, Request = request };

    /// <summary>An error redirected to the request's redirect URI.</summary>
    public static AuthorizationRequestValidation Redirect(OAuthClient client, AuthorizationRequest request, string error, string description) =>
        new() { Client = client, Request = request, Error = error, Description = description };

    /// <summary>An error shown on the error page; <paramref name="client"/> when it is known.</summary>
    public static AuthorizationRequestValidation Page(string error, string description, OAuthClient? client = null) =>
        new() { Client = client, Error = error, Description = description };
}
