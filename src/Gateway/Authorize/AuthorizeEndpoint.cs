using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Json;
using FastGateway.OAuth;
using FastGateway.OpenApi;
using FastGateway.TokenStore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Authorize;

/// <summary>
/// The authorization endpoint, <c>GET/POST /oauth2/authorize</c> (RFC 6749 section 3.1): the
/// authorization code grant with PKCE (section 4.1, RFC 7636) and the implicit grant (section 4.2),
/// with a real sign-in form and a consent page rendered from operator-replaceable templates.
/// </summary>
/// <remarks>
/// <code>
/// GET ?client_id&amp;redirect_uri&amp;response_type&amp;scope&amp;state&amp;code_challenge
///   │ unknown client / redirect_uri not registered ─────────────► 400 error page (never a redirect)
///   │ response_type, grant, scope, PKCE wrong ──────────────────► 303 redirect_uri?error=...&amp;state=
///   ▼
/// sign-in page ── hidden request = DataProtect(request, 10 min) + csrf_token (antiforgery) ──┐
///   POST step=signin: antiforgery ✓, unprotect ✓, PasswordGuard ✓ (else same form, generic message; 429/503 when throttled)
///   ▼
/// consent page ── hidden request = DataProtect(request + username) + csrf_token; scope checkboxes
///   POST step=deny ──────────────────────────────────────────────► 303 redirect_uri?error=access_denied
///   POST step=approve: granted = ticked ∩ requested (none ⇒ access_denied)
///     code  ─► AuthorizationCodes.IssueAsync ──► 303 redirect_uri?code=...&amp;state=...
///     token ─► TokenIssuer.IssueAccessTokenAsync ─► 303 redirect_uri#access_token=...&amp;token_type=Bearer&amp;...
/// </code>
/// No server-side session: the request travels in the page, authenticated and encrypted by ASP.NET
/// Core Data Protection (keys under <c>&lt;Storage:Path&gt;/keys</c>, so restarts keep working).
/// Every page carries <c>Content-Security-Policy</c> (no scripts, no framing), <c>X-Frame-Options: DENY</c>,
/// <c>Cache-Control: no-store</c> and <c>Referrer-Policy: no-referrer</c>.
/// <para>
/// The implicit grant (<c>response_type=token</c>) is legacy: OAuth 2.1 drops it because the token
/// travels in the browser's URL. It is offered for clients migrating from webMethods; new clients
/// should use the code flow with PKCE. It never issues a refresh token (RFC 6749 section 4.2.2).
/// </para>
/// </remarks>
internal sealed partial class AuthorizeEndpoint(
    DurableRegistry<OAuthClient> clients,
    Throttling.PasswordGuard guard,
    AuthorizationCodes codes,
    TokenIssuer issuer,
    PageTemplates pages,
    IAntiforgery antiforgery,
    IDataProtectionProvider dataProtection,
    IOptions<OAuthOptions> options,
    HttpsRequirement https,
    TimeProvider time,
    ILogger<AuthorizeEndpoint> logger)
{
    /// <summary>The webMethods path of the same endpoint.</summary>
    public const string WebMethodsAlias = "/invoke/pub.apigateway.oauth2/authorize";

    /// <summary>Largest accepted form body, in bytes.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    /// <summary>How long a sign-in or consent page stays usable.</summary>
    public static readonly TimeSpan StepLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The antiforgery form field name used in the templates.</summary>
    public const string CsrfFieldName = "csrf_token";

    private const string CodeResponseType = "code";
    private const string TokenResponseType = "token";

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("FastGateway.Authorize.Request.v1").ToTimeLimitedDataProtector();

    /// <summary>Registers Data Protection (keys under <c>&lt;storagePath&gt;/keys</c>), antiforgery, the templates and the endpoint.</summary>
    /// <exception cref="InvalidOperationException">A template is missing or invalid.</exception>
    public static void AddServices(IServiceCollection services, IConfiguration configuration, string storagePath)
    {
        var oauth = configuration.GetSection("OAuth").Get<OAuthOptions>() ?? new OAuthOptions();
        services.AddDataProtection()
            .SetApplicationName("FastGateway")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(storagePath), "keys")));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.FormFieldName = CsrfFieldName;
            antiforgery.HeaderName = null;
            antiforgery.Cookie.Name = "fastgateway.csrf";
            antiforgery.Cookie.SecurePolicy = oauth.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            antiforgery.SuppressXFrameOptionsHeader = true; // We send DENY ourselves (antiforgery would send SAMEORIGIN).
        });
        services.AddSingleton(PageTemplates.Load(oauth));
        services.AddSingleton<AuthorizeEndpoint>();
    }

    /// <summary>Maps <c>GET/POST /oauth2/authorize</c> and the webMethods alias.</summary>
    public static void Map(WebApplication app)
    {
        var endpoint = app.Services.GetRequiredService<AuthorizeEndpoint>();
        // Only the entry point is documented: the sign-in and consent steps are HTML forms posted by the pages themselves.
        app.MapGet(MetadataEndpoint.Paths.Authorize, endpoint.GetAsync)
            .WithTags(OpenApiTags.OAuth)
            .WithSummary("Authorization endpoint (RFC 6749 section 3.1)")
            .WithDescription("Starts the authorization code grant with PKCE (section 4.1, RFC 7636; `response_type=code`) or the legacy implicit grant (section 4.2; `response_type=token`) "
                + "with the query parameters response_type, client_id, redirect_uri, scope, state, code_challenge, code_challenge_method. Answers an HTML sign-in page, "
                + "then a consent page; ends with a 303 to the redirect URI. An unknown client or unregistered redirect URI is a 400 HTML error page, never a redirect. "
                + "Also reachable at /invoke/pub.apigateway.oauth2/authorize (webMethods).")
            .ReturnsEmpty(200, "The HTML sign-in page (text/html).")
            .ReturnsEmpty(303, "Redirect to the redirect URI with `code` and `state` in the query, `access_token` in the fragment (implicit), or `error` (section 4.1.2.1).")
            .ReturnsEmpty(400, "HTML error page: unknown client_id or a redirect_uri that is not registered.");
        app.MapPost(MetadataEndpoint.Paths.Authorize, endpoint.PostAsync).ExcludeFromDescription();
        app.MapGet(WebMethodsAlias, endpoint.GetAsync).ExcludeFromDescription();
        app.MapPost(WebMethodsAlias, endpoint.PostAsync).ExcludeFromDescription();
    }

    /// <summary>An authorization request in the query string (RFC 6749 section 4.1.1 / 4.2.1).</summary>
    public Task GetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        return StartAsync(context, name => query[name]);
    }

    /// <summary>
    /// A form post: a sign-in or consent step (carries <c>request</c> and <c>csrf_token</c>), or an
    /// authorization request sent with POST (RFC 6749 section 3.1 allows it).
    /// </summary>
    public async Task PostAsync(HttpContext context)
    {
        if (!await CheckHttpsAsync(context))
        {
            return;
        }

        if (!context.Request.HasFormContentType)
        {
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "the body must be application/x-www-form-urlencoded");
            return;
        }

        var form = await OAuthForm.ReadAsync(context, MaxBodyBytes);
        if (form is null)
        {
            return;
        }

        if (!form.ContainsKey("request"))
        {
            await StartAsync(context, name => form[name]);
            return;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            Log.CsrfRejected(logger);
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "the form's security token is missing or wrong; start again from the application");
            return;
        }

        if (Unprotect(form["request"]) is not { } request)
        {
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "this page has expired or was tampered with; start again from the application");
            return;
        }

        // The client may have changed since the first step: check it again.
        if (!clients.TryGet(request.ClientId, out var client) || client.Suspended || !client.RedirectUris.Contains(request.EffectiveRedirectUri, StringComparer.Ordinal))
        {
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "the application is no longer registered for this redirect URI");
            return;
        }

        switch ((string?)form["step"])
        {
            case "signin":
                await SignInAsync(context, form, client, request);
                return;
            case "approve" when request.Username is not null:
                await ApproveAsync(context, form, client, request);
                return;
            case "deny" when request.Username is not null:
                Log.Denied(logger, client.ClientId);
                RedirectWithError(context, request, ErrorCodes.AccessDenied, "the resource owner denied the request");
                return;
            default:
                await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "unexpected form step; start again from the application");
                return;
        }
    }

    private async Task StartAsync(HttpContext context, Func<string, StringValues> parameter)
    {
        if (!await CheckHttpsAsync(context))
        {
            return;
        }

        // RFC 6749 section 3.1.2.4 / 4.1.2.1: until client and redirect URI are trusted, never redirect.
        var clientId = parameter("client_id");
        if (clientId.Count != 1 || string.IsNullOrEmpty(clientId[0]))
        {
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, clientId.Count > 1 ? "client_id was sent more than once" : "missing client_id");
            return;
        }

        if (!clients.TryGet(clientId[0]!, out var client))
        {
            Log.Refused(logger, "(unknown)", ErrorCodes.InvalidClient);
            await WriteErrorPageAsync(context, ErrorCodes.InvalidClient, "unknown client_id");
            return;
        }

        if (client.Suspended)
        {
            Log.Refused(logger, client.ClientId, ErrorCodes.UnauthorizedClient);
            await WriteErrorPageAsync(context, ErrorCodes.UnauthorizedClient, "this application is suspended");
            return;
        }

        var redirectParameter = parameter("redirect_uri");
        string? redirectUri = null;
        string effectiveRedirectUri;
        if (redirectParameter.Count > 1)
        {
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "redirect_uri was sent more than once");
            return;
        }

        if (!string.IsNullOrEmpty(redirectParameter))
        {
            redirectUri = redirectParameter[0]!;
            // RFC 6749 section 3.1.2.3 and OAuth 2.1: exact string comparison, no prefix or pattern matching.
            if (!client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
            {
                Log.Refused(logger, client.ClientId, "redirect_uri_mismatch");
                await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "redirect_uri does not match any redirect URI registered for this application");
                return;
            }

            effectiveRedirectUri = redirectUri;
        }
        else if (client.RedirectUris.Count == 1)
        {
            effectiveRedirectUri = client.RedirectUris[0];
        }
        else
        {
            await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, client.RedirectUris.Count == 0
                ? "this application has no registered redirect URI"
                : "redirect_uri is required: this application registered several");
            return;
        }

        var responseType = parameter("response_type");
        var state = parameter("state");
        var scope = parameter("scope");
        var challenge = parameter("code_challenge");
        var challengeMethod = parameter("code_challenge_method");
        var request = new AuthorizationRequest
        {
            ClientId = client.ClientId,
            RedirectUri = redirectUri,
            EffectiveRedirectUri = effectiveRedirectUri,
            ResponseType = responseType.Count == 1 && responseType[0] == TokenResponseType ? TokenResponseType : CodeResponseType,
            State = state.Count > 0 && !string.IsNullOrEmpty(state[0]) ? state[0] : null,
            CodeChallenge = challenge.Count == 1 && !string.IsNullOrEmpty(challenge[0]) ? challenge[0] : null,
            CodeChallengeMethod = challengeMethod.Count == 1 && !string.IsNullOrEmpty(challengeMethod[0]) ? challengeMethod[0] : null,
            IssuedAt = time.GetUtcNow().ToUnixTimeSeconds(),
        };

        // From here on, errors go back to the client (RFC 6749 sections 4.1.2.1 and 4.2.2.1).
        foreach (var (name, values) in (ReadOnlySpan<(string, StringValues)>)[("response_type", responseType), ("state", state), ("scope", scope), ("code_challenge", challenge), ("code_challenge_method", challengeMethod)])
        {
            if (values.Count > 1)
            {
                RedirectWithError(context, request, ErrorCodes.InvalidRequest, $"{name} was sent more than once");
                return;
            }
        }

        if ((string?)responseType is not (CodeResponseType or TokenResponseType))
        {
            RedirectWithError(context, request, ErrorCodes.UnsupportedResponseType, string.IsNullOrEmpty(responseType)
                ? "missing response_type; use code"
                : "response_type must be code (or token, the legacy implicit grant)");
            return;
        }

        var grant = request.ResponseType == CodeResponseType ? GrantTypes.AuthorizationCode : GrantTypes.Implicit;
        if (!client.AllowsGrant(grant))
        {
            RedirectWithError(context, request, ErrorCodes.UnauthorizedClient, $"this application is not registered for the {grant} grant");
            return;
        }

        if (!ClientScopes.TryGrant(scope, ClientScopes.Allowed(client), "this application", out var requested, out var scopeProblem))
        {
            RedirectWithError(context, request, ErrorCodes.InvalidScope, scopeProblem);
            return;
        }

        if (request.ResponseType == CodeResponseType)
        {
            if (!Pkce.TryParseChallenge(request.CodeChallenge, request.CodeChallengeMethod, options.Value.AllowPlainPkce, out var kind, out _, out var problem))
            {
                RedirectWithError(context, request, ErrorCodes.InvalidRequest, problem);
                return;
            }

            // RFC 7636 section 1 / OAuth 2.1 section 7.5.1: a public client cannot protect its code otherwise.
            if (kind == CodeChallengeMethod.None && !client.IsConfidential)
            {
                RedirectWithError(context, request, ErrorCodes.InvalidRequest, "PKCE required: public clients must send code_challenge with code_challenge_method=S256");
                return;
            }
        }

        await WriteSignInAsync(context, client, request with { Scopes = requested }, username: "", error: "");
    }

    private async Task SignInAsync(HttpContext context, IFormCollection form, OAuthClient client, AuthorizationRequest request)
    {
        var username = ((string?)form["username"] ?? "").Trim();
        var password = (string?)form["password"] ?? "";
        // The guard does the same PBKDF2 work for unknown users, so timing does not reveal who exists; guessing is
        // limited (429/503 JSON with Retry-After, RFC 6749 section 10.10).
        var check = username.Length is 0 or > 64 || password.Length == 0 ? Throttling.PasswordCheck.Wrong
            : await guard.AuthenticateAsync(context.Connection.RemoteIpAddress, client.ClientId, username, password, "sign-in page", context.RequestAborted);
        if (check.Refusal is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }

        if (!check.Succeeded)
        {
            Log.SignInFailed(logger, client.ClientId);
            await WriteSignInAsync(context, client, request, username.Length > 64 ? "" : username, "The username or password is incorrect.");
            return;
        }

        Log.SignedIn(logger, client.ClientId);
        var signedIn = request with { Username = username, IssuedAt = time.GetUtcNow().ToUnixTimeSeconds() };
        await WritePageAsync(context, pages.Consent(new Dictionary<string, string>
        {
            ["action"] = ActionPath(context),
            ["client_name"] = client.ClientName ?? client.ClientId,
            ["client_id"] = client.ClientId,
            ["username"] = username,
            [PageTemplates.ScopeCheckboxes] = ScopeCheckboxesHtml(signedIn.Scopes),
            ["request"] = Protect(signedIn),
            [CsrfFieldName] = antiforgery.GetAndStoreTokens(context).RequestToken!,
        }), request.EffectiveRedirectUri);
    }

    private async Task ApproveAsync(HttpContext context, IFormCollection form, OAuthClient client, AuthorizationRequest request)
    {
        ulong ticked = 0;
        foreach (var name in form["scope"])
        {
            // A tampered or unknown value is simply not granted.
            if (name is not null && GatewayDefinition.TryGetScopeBit(name, out var bit))
            {
                ticked |= 1UL << bit;
            }
        }

        var granted = ticked & request.Scopes & ClientScopes.Allowed(client);
        if (granted == 0)
        {
            Log.Denied(logger, client.ClientId);
            RedirectWithError(context, request, ErrorCodes.AccessDenied, "no scope was approved");
            return;
        }

        if (request.ResponseType == CodeResponseType)
        {
            if (!client.AllowsGrant(GrantTypes.AuthorizationCode)
                || !Pkce.TryParseChallenge(request.CodeChallenge, request.CodeChallengeMethod, options.Value.AllowPlainPkce, out var kind, out var stored, out _))
            {
                RedirectWithError(context, request, ErrorCodes.UnauthorizedClient, "this application is no longer registered for the authorization_code grant");
                return;
            }

            var code = await codes.IssueAsync(client, request.Username!, granted, request.RedirectUri, kind, stored, context.RequestAborted);
            Log.CodeIssued(logger, client.ClientId, granted);
            Redirect(context, QueryHelpers.AddQueryString(request.EffectiveRedirectUri, WithState([new("code", code)], request.State)));
            return;
        }

        if (!client.AllowsGrant(GrantTypes.Implicit))
        {
            RedirectWithError(context, request, ErrorCodes.UnauthorizedClient, "this application is no longer registered for the implicit grant");
            return;
        }

        var token = await issuer.IssueAccessTokenAsync(client, request.Username, granted, GrantTypes.Implicit, context.RequestAborted);
        List<KeyValuePair<string, string?>> fields = [new("access_token", token.AccessToken), new("token_type", token.TokenType)];
        if (token.ExpiresIn is { } expiresIn)
        {
            fields.Add(new("expires_in", expiresIn.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        fields.Add(new("scope", token.Scope));
        Redirect(context, request.EffectiveRedirectUri + "#" + FormEncode(WithState(fields, request.State)));
    }

    private Task WriteSignInAsync(HttpContext context, OAuthClient client, AuthorizationRequest request, string username, string error) =>
        WritePageAsync(context, pages.SignIn(new Dictionary<string, string>
        {
            ["action"] = ActionPath(context),
            ["client_name"] = client.ClientName ?? client.ClientId,
            ["client_id"] = client.ClientId,
            ["username"] = username,
            ["error"] = error,
            ["request"] = Protect(request),
            [CsrfFieldName] = antiforgery.GetAndStoreTokens(context).RequestToken!,
        }), request.EffectiveRedirectUri);

    /// <summary>Builds the consent checkboxes: one per requested scope, ticked, with the description from <c>gateway.json</c>.</summary>
    private static string ScopeCheckboxesHtml(ulong requested)
    {
        var encoder = HtmlEncoder.Default;
        var html = new StringBuilder();
        foreach (var scope in GatewayDefinition.Scopes)
        {
            if ((requested & (1UL << scope.Bit)) == 0)
            {
                continue;
            }

            var name = encoder.Encode(scope.Name);
            html.Append("<li><label><input type=\"checkbox\" name=\"scope\" value=\"").Append(name).Append("\" checked> <span><code>")
                .Append(name).Append("</code> ").Append(encoder.Encode(scope.Description)).Append("</span></label></li>\n");
        }

        return html.ToString();
    }

    private string Protect(AuthorizationRequest request)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(request, GatewayJsonContext.Default.AuthorizationRequest);
        return Base64Url.EncodeToString(_protector.Protect(json, StepLifetime));
    }

    private AuthorizationRequest? Unprotect(StringValues value)
    {
        if (value.Count != 1 || string.IsNullOrEmpty(value[0]) || value[0]!.Length > 8192)
        {
            return null;
        }

        try
        {
            var json = _protector.Unprotect(Base64Url.DecodeFromChars(value[0]), out _);
            return JsonSerializer.Deserialize(json, GatewayJsonContext.Default.AuthorizationRequest);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }

    private async Task<bool> CheckHttpsAsync(HttpContext context)
    {
        if (!https.Refuses(context.Request))
        {
            return true;
        }

        await WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "HTTPS is required (OAuth:RequireHttps is true)");
        return false;
    }

    private void RedirectWithError(HttpContext context, AuthorizationRequest request, string error, string description)
    {
        Log.Refused(logger, request.ClientId, error);
        List<KeyValuePair<string, string?>> fields = [new("error", error), new("error_description", description)];
        WithState(fields, request.State);
        Redirect(context, request.ResponseType == TokenResponseType
            ? request.EffectiveRedirectUri + "#" + FormEncode(fields)
            : QueryHelpers.AddQueryString(request.EffectiveRedirectUri, fields));
    }

    private static List<KeyValuePair<string, string?>> WithState(List<KeyValuePair<string, string?>> fields, string? state)
    {
        if (state is not null)
        {
            fields.Add(new("state", state));
        }

        return fields;
    }

    private static string FormEncode(List<KeyValuePair<string, string?>> fields)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            builder.Append(builder.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
        }

        return builder.ToString();
    }

    /// <summary>303 See Other: the browser follows with GET whatever method brought it here.</summary>
    private static void Redirect(HttpContext context, string location)
    {
        var response = context.Response;
        SetSecurityHeaders(response, formTarget: null);
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = location;
    }

    private static string ActionPath(HttpContext context) => context.Request.PathBase + context.Request.Path;

    private Task WriteErrorPageAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return WritePageAsync(context, pages.Error(error, description), formTarget: null);
    }

    private static Task WritePageAsync(HttpContext context, string html, string? formTarget)
    {
        var response = context.Response;
        SetSecurityHeaders(response, formTarget);
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>
    /// No scripts, no framing, forms only to us. Chromium applies <c>form-action</c> to the redirect
    /// that follows a form post too, so the redirect URI's origin is allowed on pages with a form.
    /// Inline styles are allowed so operators can edit templates without recomputing hashes.
    /// </summary>
    private static void SetSecurityHeaders(HttpResponse response, string? formTarget)
    {
        var formAction = "'self'";
        if (formTarget is not null && Uri.TryCreate(formTarget, UriKind.Absolute, out var target))
        {
            formAction += target.Scheme is "http" or "https" ? " " + target.GetLeftPart(UriPartial.Authority) : " " + target.Scheme + ":";
        }

        var headers = response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AuthorizeRefused, Level = LogLevel.Information, Message = "Authorization request from client {ClientId} refused: {Error}")]
        public static partial void Refused(ILogger logger, string clientId, string error);

        [LoggerMessage(EventId = EventIds.AntiforgeryRejected, Level = LogLevel.Warning, Message = "Authorization form rejected: antiforgery token missing or invalid")]
        public static partial void CsrfRejected(ILogger logger);

        [LoggerMessage(EventId = EventIds.SignInFailed, Level = LogLevel.Information, Message = "Sign-in failed on the authorization page for client {ClientId}")]
        public static partial void SignInFailed(ILogger logger, string clientId);

        [LoggerMessage(EventId = EventIds.SignedIn, Level = LogLevel.Information, Message = "Resource owner signed in on the authorization page for client {ClientId}")]
        public static partial void SignedIn(ILogger logger, string clientId);

        [LoggerMessage(EventId = EventIds.ConsentDenied, Level = LogLevel.Information, Message = "Resource owner denied client {ClientId}")]
        public static partial void Denied(ILogger logger, string clientId);

        [LoggerMessage(EventId = EventIds.CodeIssued, Level = LogLevel.Information, Message = "Issued an authorization code to client {ClientId} for scope mask {Scopes:x}")]
        public static partial void CodeIssued(ILogger logger, string clientId, ulong scopes);
    }
}
