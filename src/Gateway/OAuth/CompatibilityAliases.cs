using FastGateway.Hosting;
using Microsoft.Extensions.Primitives;

namespace FastGateway.OAuth;

/// <summary>
/// The OAuth URLs of webMethods API Gateway and Apigee Edge, mapped onto FastGateway's standard handlers
/// so clients can move over without changing their configuration. Each alias runs the same handler
/// delegate as the standard endpoint (same validation, errors, <c>OAuth:RequireHttps</c> rule); at most a
/// default <c>grant_type</c> is filled in first.
/// </summary>
/// <remarks>
/// <code>
/// POST /invoke/pub.apigateway.oauth2/getAccessToken     ──► token endpoint         (webMethods)
/// POST /invoke/pub.oauth/refreshAccessToken             ──► token endpoint, grant_type defaults to refresh_token (webMethods)
/// POST /invoke/pub.oauth/introspectToken                ──► introspection endpoint (webMethods; Microgateway's introspectionEndpoint)
/// POST /invoke/pub.oauth/revokeToken                    ──► revocation endpoint    (webMethods)
/// POST /oauth/client_credential/accesstoken?grant_type= ──► token endpoint, grant_type from the query string (Apigee Edge)
/// </code>
/// webMethods documents <c>grant_type=refresh_token</c> as required on <c>pub.oauth:refreshAccessToken</c>;
/// FastGateway fills it in when the form has none (the URL says what the caller wants) and passes any value
/// that was sent through unchanged, so the token endpoint judges it. Apigee's default endpoint takes
/// <c>grant_type</c> in the query and the key and secret in Basic or the form; a <c>grant_type</c> in the
/// form wins over the query, and an empty body without a content type counts as an empty form (as Apigee
/// clients send with <c>curl -u key:secret -X POST</c>). The Apigee alias answers a success in Apigee's own token
/// shape (<see cref="ApigeeTokenResponse"/>) while <c>Compatibility:ApigeeResponseShape</c> is true (the default).
/// </remarks>
internal static class CompatibilityAliases
{
    /// <summary>webMethods API Gateway token URL.</summary>
    public const string WebMethodsGetAccessToken = "/invoke/pub.apigateway.oauth2/getAccessToken";
    /// <summary>webMethods refresh URL.</summary>
    public const string WebMethodsRefreshAccessToken = "/invoke/pub.oauth/refreshAccessToken";
    /// <summary>webMethods introspection URL.</summary>
    public const string WebMethodsIntrospectToken = "/invoke/pub.oauth/introspectToken";
    /// <summary>webMethods revocation URL.</summary>
    public const string WebMethodsRevokeToken = "/invoke/pub.oauth/revokeToken";
    /// <summary>Apigee Edge's default client-credentials token URL.</summary>
    public const string ApigeeClientCredentialsAccessToken = "/oauth/client_credential/accesstoken";

    /// <summary>Maps every alias onto the standard handlers.</summary>
    /// <param name="app">The app.</param>
    /// <param name="token">The token endpoint's handler.</param>
    /// <param name="apigeeToken">The token endpoint's handler answering in Apigee's shape (<see cref="TokenEndpoint.HandleApigeeAsync"/>).</param>
    /// <param name="introspection">The introspection endpoint's handler.</param>
    /// <param name="revocation">The revocation endpoint's handler.</param>
    /// <param name="https">The <c>OAuth:RequireHttps</c> check, applied to each alias once.</param>
    public static void Map(WebApplication app, RequestDelegate token, RequestDelegate apigeeToken, RequestDelegate introspection, RequestDelegate revocation, HttpsRequirement https)
    {
        app.MapPost(WebMethodsGetAccessToken, https.Wrap(token))
            .DocumentToken("Token endpoint, webMethods alias", "Same as POST /oauth2/token (webMethods API Gateway's URL). ");
        app.MapPost(WebMethodsRefreshAccessToken, https.Wrap(WithDefaultGrantType(token, static _ => GrantTypes.RefreshToken)))
            .DocumentToken("Refresh, webMethods alias", "Same as POST /oauth2/token; `grant_type` defaults to refresh_token when the form has none (webMethods pub.oauth:refreshAccessToken). ");
        app.MapPost(WebMethodsIntrospectToken, https.Wrap(introspection))
            .DocumentIntrospection("Introspection, webMethods alias", "Same as POST /oauth2/introspect (webMethods pub.oauth:introspectToken). ");
        app.MapPost(WebMethodsRevokeToken, https.Wrap(revocation))
            .DocumentRevocation("Revocation, webMethods alias", "Same as POST /oauth2/revoke (webMethods pub.oauth:revokeToken). ");
        app.MapPost(ApigeeClientCredentialsAccessToken, https.Wrap(WithDefaultGrantType(apigeeToken, static request => request.Query["grant_type"])))
            .DocumentToken("Token endpoint, Apigee Edge alias", "Same as POST /oauth2/token; `grant_type` may come from the query string (Apigee Edge's default client-credentials URL), a form value wins. An empty body without a content type counts as an empty form. "
                + "A success answers in Apigee's shape (values as strings, `issued_at` in milliseconds, `status`, `application_name`, `api_product_list`, `organization_name`, `developer.email`, `refresh_count`, `token_type` BearerToken) unless `Compatibility:ApigeeResponseShape` is false. ",
                apigeeShape: true);
    }

    /// <summary>
    /// Wraps <paramref name="handler"/> so a form without <c>grant_type</c> gets <paramref name="defaultGrantType"/>'s
    /// value. The form is read with the token endpoint's body limit and handed on as the request's form, so the
    /// handler reads the same form (ASP.NET Core caches it on <see cref="HttpRequest.Form"/>).
    /// </summary>
    private static RequestDelegate WithDefaultGrantType(RequestDelegate handler, Func<HttpRequest, StringValues> defaultGrantType) =>
        async context =>
        {
            var request = context.Request;
            if (!request.HasFormContentType && IsEmptyBody(request))
            {
                request.Form = FormCollection.Empty;
            }

            if (request.HasFormContentType)
            {
                var form = await OAuthForm.ReadAsync(context, TokenEndpoint.MaxBodyBytes);
                if (form is null)
                {
                    return;
                }

                var fallback = defaultGrantType(request);
                if (string.IsNullOrEmpty(form["grant_type"]) && !StringValues.IsNullOrEmpty(fallback))
                {
                    var fields = new Dictionary<string, StringValues>(form.Count + 1, StringComparer.OrdinalIgnoreCase);
                    foreach (var (key, value) in form)
                    {
                        fields[key] = value;
                    }

                    fields["grant_type"] = fallback;
                    request.Form = new FormCollection(fields);
                }
            }

            await handler(context);
        };

    private static bool IsEmptyBody(HttpRequest request) =>
        string.IsNullOrEmpty(request.ContentType) && (request.ContentLength ?? 0) == 0 && !request.Headers.TransferEncoding.Any(v => v is not null && v.Contains("chunked", StringComparison.OrdinalIgnoreCase));
}
