using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.OpenApi;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Authorize;

/// <summary>
/// The authorization endpoint, <c>GET/POST /oauth2/authorize</c> (RFC 6749 section 3.1): the authorization code
/// grant with PKCE (section 4.1, RFC 7636) and the implicit grant (section 4.2), with a real sign-in form and a
/// consent page rendered from operator-replaceable templates. This type runs the flow; the checks are
/// <see cref="AuthorizationRequestValidator"/>'s, the step state is <see cref="AuthorizationStepProtector"/>'s, and
/// the pages and redirects are <see cref="AuthorizationResponseWriter"/>'s.
/// </summary>
/// <remarks>
/// <code>
/// GET ?client_id&amp;redirect_uri&amp;response_type&amp;scope&amp;state&amp;code_challenge   (AuthorizationRequestValidator)
///   │ unknown client / redirect_uri not registered ─────────────► 400 error page (never a redirect)
///   │ repeated parameter, response_type, grant, scope, PKCE, state too long ► 303 redirect_uri?error=...&amp;state=&amp;iss=
///   ▼
/// sign-in page ── hidden request = Protect(step: request + step id + browser binding, 10 min) + csrf_token ──┐
///   every POST: antiforgery ✓, Unprotect ✓, same browser (BrowserBinding cookie) ✓, step not used yet ✓ (else error page)
///   POST step=signin: PasswordGuard ✓ (else same form, generic message; 429/503 when throttled), step consumed
///   ▼
/// consent page ── hidden request = Protect(new step + username) + csrf_token; scope checkboxes
///   POST step=deny ─── step consumed ───────────────────────────► 303 redirect_uri?error=access_denied&amp;iss=
///   POST step=approve ─ step consumed; granted = ticked ∩ requested (none ⇒ access_denied)
///     code  ─► AuthorizationCodes.IssueAsync ──► 303 redirect_uri?code=...&amp;state=...&amp;iss=...
///     token ─► TokenIssuer.IssueAccessTokenAsync ─► 303 redirect_uri#access_token=...&amp;token_type=Bearer&amp;...&amp;iss=...
/// </code>
/// No server-side session: the request travels in the page, authenticated and encrypted by ASP.NET Core Data
/// Protection (keys under <c>&lt;Storage:Path&gt;/keys</c>, so restarts keep working). Each step succeeds once
/// (<see cref="ConsumedSteps"/>) and only in the browser that began the flow (<see cref="BrowserBinding"/>): a form
/// posted twice, or copied to another browser, gets an error page instead of a second code.
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
    AuthorizationStepProtector steps,
    ConsumedSteps consumedSteps,
    BrowserBinding browserBinding,
    AuthorizationResponseWriter responses,
    IAntiforgery antiforgery,
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

    private const string StepUsedDescription = "this page was already used; start again from the application";
    private const string RequestTooLargeDescription = "the authorization request is too large";

    private readonly AuthorizationRequestValidator _validator = new(clientId => clients.TryGet(clientId, out var client) ? client : null, options.Value);

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
            antiforgery.FormFieldName = AuthorizationResponseWriter.CsrfFieldName;
            antiforgery.HeaderName = null;
            antiforgery.Cookie.Name = "fastgateway.csrf";
            antiforgery.Cookie.SecurePolicy = oauth.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            antiforgery.SuppressXFrameOptionsHeader = true; // We send DENY ourselves (antiforgery would send SAMEORIGIN).
        });
        services.AddSingleton(PageTemplates.Load(oauth));
        services.AddSingleton<AuthorizationStepProtector>();
        services.AddSingleton<ConsumedSteps>();
        services.AddSingleton<BrowserBinding>();
        services.AddSingleton<AuthorizationResponseWriter>();
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
            .ReturnsEmpty(303, "Redirect to the redirect URI with `code`, `state` and `iss` (RFC 9207) in the query, `access_token` in the fragment (implicit), or `error` (section 4.1.2.1).")
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
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "the body must be application/x-www-form-urlencoded");
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
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "the form's security token is missing or wrong; start again from the application");
            return;
        }

        if (steps.Unprotect(form["request"]) is not { } step)
        {
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "this page has expired or was tampered with; start again from the application");
            return;
        }

        if (!BrowserBinding.Matches(context, step.BrowserBinding))
        {
            Log.OtherBrowser(logger, step.ClientId);
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "this page was opened in another browser, or its cookie was cleared; start again from the application");
            return;
        }

        if (consumedSteps.IsConsumed(step.StepId))
        {
            Log.StepReplayed(logger, step.ClientId);
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, StepUsedDescription);
            return;
        }

        // The client may have changed since the first step: check it again.
        if (!clients.TryGet(step.ClientId, out var client) || client.Suspended || !RedirectUriMatching.IsRegistered(client.RedirectUris, step.EffectiveRedirectUri))
        {
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "the application is no longer registered for this redirect URI");
            return;
        }

        switch ((string?)form["step"])
        {
            case "signin":
                await SignInAsync(context, form, client, step);
                return;
            case "approve" when step.Username is not null:
                await ApproveAsync(context, form, client, step);
                return;
            case "deny" when step.Username is not null:
                if (await ConsumeAsync(context, step))
                {
                    Log.Denied(logger, client.ClientId);
                    RedirectWithError(context, step, ErrorCodes.AccessDenied, "the resource owner denied the request");
                }

                return;
            default:
                await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "unexpected form step; start again from the application");
                return;
        }
    }

    private async Task StartAsync(HttpContext context, Func<string, StringValues> parameter)
    {
        if (!await CheckHttpsAsync(context))
        {
            return;
        }

        var validation = _validator.Validate(parameter, time.GetUtcNow().ToUnixTimeSeconds());
        if (!validation.IsValid)
        {
            if (validation.RedirectsError)
            {
                RedirectWithError(context, validation.Request!, validation.Error!, validation.Description);
                return;
            }

            Log.Refused(logger, validation.Client?.ClientId ?? "(unknown)", validation.Error!);
            await responses.WriteErrorPageAsync(context, validation.Error!, validation.Description);
            return;
        }

        var step = validation.Request! with { StepId = Guid.NewGuid(), BrowserBinding = browserBinding.Bind(context) };
        await WriteSignInAsync(context, validation.Client!, step, username: "", error: "");
    }

    private async Task SignInAsync(HttpContext context, IFormCollection form, OAuthClient client, AuthorizationRequest step)
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
            // The same step again: a failed attempt neither uses it up nor extends its lifetime.
            await WriteSignInAsync(context, client, step, username.Length > 64 ? "" : username, "The username or password is incorrect.");
            return;
        }

        // The sign-in form succeeds once: posted again, it must not yield a second consent page (and a second code).
        if (!await ConsumeAsync(context, step))
        {
            return;
        }

        Log.SignedIn(logger, client.ClientId);
        var consent = step with { Username = username, IssuedAt = time.GetUtcNow().ToUnixTimeSeconds(), StepId = Guid.NewGuid() };
        if (steps.Protect(consent) is not { } protectedConsent)
        {
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, RequestTooLargeDescription);
            return;
        }

        await responses.WriteConsentPageAsync(context, client, consent, protectedConsent);
    }

    private async Task ApproveAsync(HttpContext context, IFormCollection form, OAuthClient client, AuthorizationRequest step)
    {
        if (!await ConsumeAsync(context, step))
        {
            return;
        }

        ulong ticked = 0;
        foreach (var name in form["scope"])
        {
            // A tampered or unknown value is simply not granted.
            if (name is not null && GatewayDefinition.TryGetScopeBit(name, out var bit))
            {
                ticked |= 1UL << bit;
            }
        }

        var granted = ticked & step.Scopes & client.AllowedScopes;
        if (granted == 0)
        {
            Log.Denied(logger, client.ClientId);
            RedirectWithError(context, step, ErrorCodes.AccessDenied, "no scope was approved");
            return;
        }

        if (step.ResponseType == AuthorizationRequestValidator.CodeResponseType)
        {
            if (!client.AllowsGrant(GrantTypes.AuthorizationCode)
                || !Pkce.TryParseChallenge(step.CodeChallenge, step.CodeChallengeMethod, options.Value.AllowPlainPkce, out var kind, out var stored, out _))
            {
                RedirectWithError(context, step, ErrorCodes.UnauthorizedClient, "this application is no longer registered for the authorization_code grant");
                return;
            }

            var code = await codes.IssueAsync(client, step.Username!, granted, step.RedirectUri, kind, stored, context.RequestAborted);
            Log.CodeIssued(logger, client.ClientId, granted);
            responses.RedirectWithCode(context, step, code);
            return;
        }

        if (!client.AllowsGrant(GrantTypes.Implicit))
        {
            RedirectWithError(context, step, ErrorCodes.UnauthorizedClient, "this application is no longer registered for the implicit grant");
            return;
        }

        var token = await issuer.IssueAccessTokenAsync(client, step.Username, granted, GrantTypes.Implicit, context.RequestAborted);
        responses.RedirectWithAccessToken(context, step, token);
    }

    /// <summary>Renders the sign-in page for a step, or the error page when the step does not fit in a page.</summary>
    private Task WriteSignInAsync(HttpContext context, OAuthClient client, AuthorizationRequest step, string username, string error) =>
        steps.Protect(step) is { } protectedStep
            ? responses.WriteSignInPageAsync(context, client, step, protectedStep, username, error)
            : responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, RequestTooLargeDescription);

    /// <summary>Records the step as used (<see cref="ConsumedSteps"/>); when it already was, answers the error page.</summary>
    /// <returns>True when this post may go on.</returns>
    private async Task<bool> ConsumeAsync(HttpContext context, AuthorizationRequest step)
    {
        if (consumedSteps.TryConsume(step.StepId, step.IssuedAt + (long)StepLifetime.TotalSeconds))
        {
            return true;
        }

        if (!consumedSteps.IsConsumed(step.StepId))
        {
            // Not a replay: the set is full (ConsumedSteps fails closed).
            Log.StepsFull(logger, ConsumedSteps.Capacity);
            await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "too many sign-ins at once; try again in a minute from the application");
            return false;
        }

        Log.StepReplayed(logger, step.ClientId);
        await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, StepUsedDescription);
        return false;
    }

    private void RedirectWithError(HttpContext context, AuthorizationRequest request, string error, string description)
    {
        Log.Refused(logger, request.ClientId, error);
        responses.RedirectWithError(context, request, error, description);
    }

    private async Task<bool> CheckHttpsAsync(HttpContext context)
    {
        if (!https.Refuses(context.Request))
        {
            return true;
        }

        await responses.WriteErrorPageAsync(context, ErrorCodes.InvalidRequest, "HTTPS is required (OAuth:RequireHttps is true)");
        return false;
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

        [LoggerMessage(EventId = EventIds.AuthorizeStepReplayed, Level = LogLevel.Warning, Message = "Authorization form for client {ClientId} posted again after it was used; refused")]
        public static partial void StepReplayed(ILogger logger, string clientId);

        [LoggerMessage(EventId = EventIds.AuthorizeOtherBrowser, Level = LogLevel.Warning, Message = "Authorization form for client {ClientId} posted from a browser other than the one that began the flow; refused")]
        public static partial void OtherBrowser(ILogger logger, string clientId);

        [LoggerMessage(EventId = EventIds.AuthorizeStepsFull, Level = LogLevel.Error, Message = "{Capacity} authorization steps used within their lifetime: refusing new ones until some expire")]
        public static partial void StepsFull(ILogger logger, int capacity);
    }
}
