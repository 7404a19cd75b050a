using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.TokenStore;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Authorize;

/// <summary>
/// Checks an authorization request (RFC 6749 sections 3.1 and 4.1.1 / 4.2.1, RFC 7636 section 4.3, RFC 8252 section
/// 7.3): pure, no HTTP, no I/O; the same parameters, clients and time give the same answer.
/// </summary>
/// <remarks>
/// The checks run in RFC 6749 order, one method each, named as OpenIddict names its handlers. The first two decide
/// where an error may go: until the client and its redirect URI are trusted, an error is an error page, never a
/// redirect (section 3.1.2.4, section 4.1.2.1 first paragraph); after them, every error is redirected.
/// <code>
/// ValidateClientId            missing, repeated, unknown, suspended ─────────────► error page
/// ValidateRedirectUri         repeated, not registered (loopback: any port), none ► error page
/// ValidateParameterUniqueness any parameter repeated (section 3.1) ───────────────► redirect invalid_request
/// ValidateState               longer than MaxStateLength ─────────────────────────► redirect invalid_request (state not echoed)
/// ValidateResponseType        missing ► invalid_request; other ► unsupported_response_type; grant not allowed ► unauthorized_client
/// ValidateScope               unknown or not allowed (section 3.3) ───────────────► redirect invalid_scope
/// ValidatePkce                malformed; absent for a public client, or for any client under OAuth:RequirePkce ► invalid_request
/// </code>
/// </remarks>
/// <param name="findClient">Looks up a client by <c>client_id</c>; null when unknown.</param>
/// <param name="options">Reads <see cref="OAuthOptions.AllowPlainPkce"/> and <see cref="OAuthOptions.RequirePkce"/>.</param>
internal sealed class AuthorizationRequestValidator(Func<string, OAuthClient?> findClient, OAuthOptions options)
{
    /// <summary>
    /// Longest accepted <c>state</c>, in characters. RFC 6749 sets no limit, but the state travels inside the sign-in
    /// and consent forms: refusing it here, before the user types a password, beats failing after.
    /// </summary>
    public const int MaxStateLength = 1024;

    /// <summary><c>response_type=code</c>, RFC 6749 section 4.1.1.</summary>
    public const string CodeResponseType = "code";

    /// <summary><c>response_type=token</c>, RFC 6749 section 4.2.1 (the legacy implicit grant).</summary>
    public const string TokenResponseType = "token";

    /// <summary>The parameters RFC 6749 section 3.1 forbids repeating that this endpoint reads (the others are ignored).</summary>
    private static readonly string[] SingleParameters = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"];

    /// <summary>Validates one authorization request.</summary>
    /// <param name="parameter">The request's parameters by name (the query of a GET, the form of a POST).</param>
    /// <param name="now">Unix seconds, recorded as <see cref="AuthorizationRequest.IssuedAt"/>.</param>
    public AuthorizationRequestValidation Validate(Func<string, StringValues> parameter, long now)
    {
        if (ValidateClientId(parameter("client_id"), out var client) is { } clientError)
        {
            return clientError;
        }

        var redirectParameter = parameter("redirect_uri");
        if (ValidateRedirectUri(client, redirectParameter, out var effectiveRedirectUri) is { } redirectError)
        {
            return redirectError;
        }

        var state = parameter("state");
        var responseType = parameter("response_type");
        var challenge = parameter("code_challenge");
        var challengeMethod = parameter("code_challenge_method");
        var request = new AuthorizationRequest
        {
            ClientId = client.ClientId,
            RedirectUri = string.IsNullOrEmpty(redirectParameter) ? null : redirectParameter[0],
            EffectiveRedirectUri = effectiveRedirectUri,
            // Errors before ValidateResponseType need a response mode: the fragment only for an unambiguous token.
            ResponseType = responseType.Count == 1 && responseType[0] == TokenResponseType ? TokenResponseType : CodeResponseType,
            State = string.IsNullOrEmpty(state) || state[0]!.Length > MaxStateLength ? null : state[0],
            CodeChallenge = challenge.Count == 1 && !string.IsNullOrEmpty(challenge[0]) ? challenge[0] : null,
            CodeChallengeMethod = challengeMethod.Count == 1 && !string.IsNullOrEmpty(challengeMethod[0]) ? challengeMethod[0] : null,
            IssuedAt = now,
        };

        ulong scopes = 0;
        var error = ValidateParameterUniqueness(parameter)
            ?? ValidateState(state)
            ?? ValidateResponseType(client, responseType)
            ?? ValidateScope(client, parameter("scope"), ref scopes)
            ?? ValidatePkce(client, request);
        return error is { } refused
            ? AuthorizationRequestValidation.Redirect(client, request, refused.Error, refused.Description)
            : AuthorizationRequestValidation.Valid(client, request with { Scopes = scopes });
    }

    /// <summary>RFC 6749 sections 2.2 and 4.1.1: exactly one <c>client_id</c>, naming a registered, active client.</summary>
    private AuthorizationRequestValidation? ValidateClientId(StringValues clientId, out OAuthClient client)
    {
        client = null!;
        if (clientId.Count != 1 || string.IsNullOrEmpty(clientId[0]))
        {
            return AuthorizationRequestValidation.Page(ErrorCodes.InvalidRequest, clientId.Count > 1 ? "client_id was sent more than once" : "missing client_id");
        }

        if (findClient(clientId[0]!) is not { } found)
        {
            return AuthorizationRequestValidation.Page(ErrorCodes.InvalidClient, "unknown client_id");
        }

        client = found;
        return found.Suspended ? AuthorizationRequestValidation.Page(ErrorCodes.UnauthorizedClient, "this application is suspended", found) : null;
    }

    /// <summary>
    /// RFC 6749 sections 3.1.2.3 and 4.1.1: <c>redirect_uri</c> compared exactly with the registered ones (a loopback
    /// IP one on any port, RFC 8252 section 7.3, see <see cref="RedirectUriMatching"/>); when omitted, the client must
    /// have registered exactly one.
    /// </summary>
    private static AuthorizationRequestValidation? ValidateRedirectUri(OAuthClient client, StringValues redirectUri, out string effectiveRedirectUri)
    {
        effectiveRedirectUri = "";
        if (redirectUri.Count > 1)
        {
            return AuthorizationRequestValidation.Page(ErrorCodes.InvalidRequest, "redirect_uri was sent more than once", client);
        }

        if (!string.IsNullOrEmpty(redirectUri))
        {
            if (!RedirectUriMatching.IsRegistered(client.RedirectUris, redirectUri[0]!))
            {
                return AuthorizationRequestValidation.Page(ErrorCodes.InvalidRequest, "redirect_uri does not match any redirect URI registered for this application", client);
            }

            effectiveRedirectUri = redirectUri[0]!;
            return null;
        }

        if (client.RedirectUris.Count == 1)
        {
            effectiveRedirectUri = client.RedirectUris[0];
            return null;
        }

        return AuthorizationRequestValidation.Page(ErrorCodes.InvalidRequest, client.RedirectUris.Count == 0
            ? "this application has no registered redirect URI"
            : "redirect_uri is required: this application registered several", client);
    }

    /// <summary>RFC 6749 section 3.1: "Request and response parameters MUST NOT be included more than once."</summary>
    private static (string Error, string Description)? ValidateParameterUniqueness(Func<string, StringValues> parameter)
    {
        foreach (var name in SingleParameters)
        {
            if (parameter(name).Count > 1)
            {
                return (ErrorCodes.InvalidRequest, name + " was sent more than once");
            }
        }

        return null;
    }

    /// <summary>
    /// <c>state</c> (RFC 6749 section 4.1.1) no longer than <see cref="MaxStateLength"/>. The over-long value is not
    /// echoed in the error redirect: it is the malformed parameter, and repeating it would only move the problem to
    /// the client's callback.
    /// </summary>
    private static (string Error, string Description)? ValidateState(StringValues state) =>
        !string.IsNullOrEmpty(state) && state[0]!.Length > MaxStateLength
            ? (ErrorCodes.InvalidRequest, $"state is longer than {MaxStateLength} characters")
            : null;

    /// <summary>
    /// RFC 6749 sections 3.1.1, 4.1.1 and 4.2.1: <c>response_type</c> is required (<c>invalid_request</c> when
    /// missing), must be <c>code</c> or <c>token</c> (<c>unsupported_response_type</c>), and the client must be
    /// registered for the matching grant (<c>unauthorized_client</c>).
    /// </summary>
    private static (string Error, string Description)? ValidateResponseType(OAuthClient client, StringValues responseType)
    {
        if (string.IsNullOrEmpty(responseType))
        {
            return (ErrorCodes.InvalidRequest, "missing response_type; use code");
        }

        var grant = (string?)responseType switch
        {
            CodeResponseType => GrantTypes.AuthorizationCode,
            TokenResponseType => GrantTypes.Implicit,
            _ => null,
        };
        if (grant is null)
        {
            return (ErrorCodes.UnsupportedResponseType, "response_type must be code (or token, the legacy implicit grant)");
        }

        return client.AllowsGrant(grant) ? null : (ErrorCodes.UnauthorizedClient, "this application is not registered for the " + grant + " grant");
    }

    /// <summary>RFC 6749 section 3.3: every requested scope known and allowed for the client; absent means all allowed.</summary>
    /// <param name="client">The client.</param>
    /// <param name="scope">The request's <c>scope</c>.</param>
    /// <param name="scopes">Set to the scopes to offer on the consent page when valid.</param>
    private static (string Error, string Description)? ValidateScope(OAuthClient client, StringValues scope, ref ulong scopes)
    {
        if (!ClientScopes.TryGrant(scope, client.AllowedScopes, "this application", out var granted, out var problem))
        {
            return (ErrorCodes.InvalidScope, problem);
        }

        scopes = granted;
        return null;
    }

    /// <summary>
    /// RFC 7636 sections 4.3 and 4.4.1 for <c>response_type=code</c>: a well-formed challenge with a supported method;
    /// required of public clients (RFC 9700 section 2.1.1), and of confidential clients too under
    /// <see cref="OAuthOptions.RequirePkce"/>.
    /// </summary>
    private (string Error, string Description)? ValidatePkce(OAuthClient client, AuthorizationRequest request)
    {
        if (request.ResponseType != CodeResponseType)
        {
            return null;
        }

        if (!Pkce.TryParseChallenge(request.CodeChallenge, request.CodeChallengeMethod, options.AllowPlainPkce, out var kind, out _, out var problem))
        {
            return (ErrorCodes.InvalidRequest, problem);
        }

        if (kind != CodeChallengeMethod.None)
        {
            return null;
        }

        if (!client.IsConfidential)
        {
            return (ErrorCodes.InvalidRequest, "PKCE required: public clients must send code_challenge with code_challenge_method=S256");
        }

        return options.RequirePkce ? (ErrorCodes.InvalidRequest, "PKCE required: send code_challenge with code_challenge_method=S256") : null;
    }
}
