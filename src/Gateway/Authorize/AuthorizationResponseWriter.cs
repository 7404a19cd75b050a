using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.OAuth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.WebUtilities;

namespace FastGateway.Authorize;

/// <summary>
/// What the authorization endpoint sends back: the sign-in, consent and error pages (from <see cref="PageTemplates"/>),
/// and the authorization responses, a 303 to the redirect URI (RFC 6749 sections 4.1.2, 4.1.2.1, 4.2.2, 4.2.2.1).
/// </summary>
/// <remarks>
/// Every authorization response, success or error, query or fragment, carries <c>iss</c>, the issuer identifier
/// (RFC 9207 section 2), so a client talking to several authorization servers can tell which one answered (mix-up
/// attacks, RFC 9700 section 4.4). <c>error_description</c> is kept to RFC 6749's character set
/// (<see cref="ErrorDescriptions"/>). Every page and redirect carries <c>Content-Security-Policy</c> (no scripts, no
/// framing), <c>X-Frame-Options: DENY</c>, <c>Cache-Control: no-store</c> and <c>Referrer-Policy: no-referrer</c>.
/// </remarks>
internal sealed class AuthorizationResponseWriter(PageTemplates pages, IAntiforgery antiforgery, IssuerIdentifier issuer)
{
    /// <summary>The antiforgery form field name used in the templates.</summary>
    public const string CsrfFieldName = "csrf_token";

    /// <summary>Renders the sign-in page (200).</summary>
    /// <param name="context">The request.</param>
    /// <param name="client">Named on the page.</param>
    /// <param name="request">The request; its redirect URI's origin is allowed as a form target (see <see cref="SetSecurityHeaders"/>).</param>
    /// <param name="protectedRequest">The step, from <see cref="AuthorizationStepProtector.Protect"/>.</param>
    /// <param name="username">Prefilled username ("" for none).</param>
    /// <param name="error">Message above the form ("" for none).</param>
    public Task WriteSignInPageAsync(HttpContext context, OAuthClient client, AuthorizationRequest request, string protectedRequest, string username, string error) =>
        WritePageAsync(context, pages.SignIn(new Dictionary<string, string>
        {
            ["action"] = ActionPath(context),
            ["client_name"] = client.ClientName ?? client.ClientId,
            ["client_id"] = client.ClientId,
            ["username"] = username,
            ["error"] = error,
            ["request"] = protectedRequest,
            [CsrfFieldName] = antiforgery.GetAndStoreTokens(context).RequestToken!,
        }), request.EffectiveRedirectUri);

    /// <summary>Renders the consent page (200): one ticked checkbox per requested scope.</summary>
    public Task WriteConsentPageAsync(HttpContext context, OAuthClient client, AuthorizationRequest request, string protectedRequest) =>
        WritePageAsync(context, pages.Consent(new Dictionary<string, string>
        {
            ["action"] = ActionPath(context),
            ["client_name"] = client.ClientName ?? client.ClientId,
            ["client_id"] = client.ClientId,
            ["username"] = request.Username ?? "",
            [PageTemplates.ScopeCheckboxes] = ScopeCheckboxesHtml(request.Scopes),
            ["request"] = protectedRequest,
            [CsrfFieldName] = antiforgery.GetAndStoreTokens(context).RequestToken!,
        }), request.EffectiveRedirectUri);

    /// <summary>Renders the error page (400), for errors that must not be redirected.</summary>
    public Task WriteErrorPageAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return WritePageAsync(context, pages.Error(error, ErrorDescriptions.Sanitize(description)), formTarget: null);
    }

    /// <summary>RFC 6749 section 4.1.2: <c>code</c>, <c>state</c> and <c>iss</c> added to the redirect URI's query.</summary>
    public void RedirectWithCode(HttpContext context, AuthorizationRequest request, string code) =>
        Redirect(context, QueryHelpers.AddQueryString(request.EffectiveRedirectUri, Finish([new("code", code)], request)));

    /// <summary>RFC 6749 section 4.2.2: the access token, <c>state</c> and <c>iss</c> in the redirect URI's fragment.</summary>
    public void RedirectWithAccessToken(HttpContext context, AuthorizationRequest request, TokenResponse token)
    {
        List<KeyValuePair<string, string?>> fields = [new("access_token", token.AccessToken), new("token_type", token.TokenType)];
        if (token.ExpiresIn is { } expiresIn)
        {
            fields.Add(new("expires_in", expiresIn.ToString(CultureInfo.InvariantCulture)));
        }

        fields.Add(new("scope", token.Scope));
        Redirect(context, request.EffectiveRedirectUri + "#" + FormEncode(Finish(fields, request)));
    }

    /// <summary>
    /// RFC 6749 sections 4.1.2.1 and 4.2.2.1: <c>error</c>, <c>error_description</c>, <c>state</c> and <c>iss</c>,
    /// in the query for <c>response_type=code</c> and in the fragment for <c>token</c>.
    /// </summary>
    public void RedirectWithError(HttpContext context, AuthorizationRequest request, string error, string description)
    {
        var fields = Finish([new("error", error), new("error_description", ErrorDescriptions.Sanitize(description))], request);
        Redirect(context, request.ResponseType == AuthorizationRequestValidator.TokenResponseType
            ? request.EffectiveRedirectUri + "#" + FormEncode(fields)
            : QueryHelpers.AddQueryString(request.EffectiveRedirectUri, fields));
    }

    /// <summary>Adds <c>state</c> (when the request had one) and <c>iss</c> (RFC 9207 section 2), last.</summary>
    private List<KeyValuePair<string, string?>> Finish(List<KeyValuePair<string, string?>> fields, AuthorizationRequest request)
    {
        if (request.State is not null)
        {
            fields.Add(new("state", request.State));
        }

        fields.Add(new("iss", issuer.Value));
        return fields;
    }

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
}
