using System.Text.Json.Serialization.Metadata;
using FastGateway.Errors;
using FastGateway.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace FastGateway.OpenApi;

/// <summary>
/// Describes a FastGateway endpoint in <c>GET /openapi/v1.json</c>. Handlers are plain
/// <see cref="RequestDelegate"/>s, so nothing can be inferred from their signature: each Map call says
/// what the endpoint reads and answers, in one chain.
/// </summary>
/// <remarks>
/// Adding an endpoint's documentation is one chain after its Map call:
/// <code>
/// app.MapGet("/admin/v1/clients/{client_id}", admin.Require(clients.GetAsync))
///    .DocumentAdmin("Read an application", "The client without its secret (RFC 7591 section 3.2.1).")
///    .Returns&lt;ClientInformationResponse&gt;()
///    .Errors(404);
/// </code>
/// <list type="bullet">
/// <item><c>DocumentAdmin</c> / <c>DocumentOAuth</c> / <c>DocumentHealth</c>: tag, summary, description, security
/// (the admin key; HTTP Basic client authentication) and the errors every such endpoint can answer.</item>
/// <item><c>AcceptsJson&lt;T&gt;()</c> (JSON body, adds 400/413/415) or <c>AcceptsForm(...)</c> (form fields, adds 400/413).</item>
/// <item><c>Returns&lt;T&gt;(status)</c>, <c>ReturnsEmpty(status)</c>, <c>Errors(...)</c>: responses; every error body is <see cref="ErrorResponse"/>.</item>
/// </list>
/// Body types must be in <see cref="GatewayJsonContext"/> (the document's schemas come from it, as Native AOT
/// needs); <c>AcceptsJson</c> and <c>Returns</c> check that when the endpoint is mapped.
/// An endpoint without any of these still appears (path and method) but is undocumented; use
/// <c>.ExcludeFromDescription()</c> for endpoints that must not appear.
/// </remarks>
internal static class EndpointDocumentation
{
    /// <summary>The JSON media type every body uses.</summary>
    public const string Json = "application/json";

    /// <summary>The OAuth form media type (RFC 6749 appendix B).</summary>
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>
    /// An admin API endpoint (<c>/admin/v1/...</c>): tag <c>Admin</c>, the admin bearer key, and its
    /// 401 (wrong or missing key), 403 (admin API off) and 429 (too many wrong keys from the address) answers.
    /// </summary>
    public static IEndpointConventionBuilder DocumentAdmin(this IEndpointConventionBuilder builder, string summary, string description) =>
        builder.Describe(OpenApiTags.Admin, summary, description)
            .WithMetadata(OperationSecurity.AdminKey)
            .Errors(401, 403, 429);

    /// <summary>
    /// An OAuth endpoint: tag <c>OAuth</c> and 400 (also answered over plain HTTP while <c>OAuth:RequireHttps</c>).
    /// With <paramref name="authenticatesClient"/>, client authentication (RFC 6749 section 2.3.1: HTTP Basic,
    /// or <c>client_id</c> and <c>client_secret</c> in the form; public clients send <c>client_id</c> alone)
    /// and 401 <c>invalid_client</c>, and 429 once the failed client authentications are used up (<c>Throttling</c>).
    /// </summary>
    public static IEndpointConventionBuilder DocumentOAuth(this IEndpointConventionBuilder builder, string summary, string description, bool authenticatesClient = false)
    {
        builder.Describe(OpenApiTags.OAuth, summary, description).Errors(400);
        return authenticatesClient ? builder.WithMetadata(OperationSecurity.ClientBasic).Errors(401, 429) : builder;
    }

    /// <summary>A health endpoint: tag <c>Health</c>, no authentication.</summary>
    public static IEndpointConventionBuilder DocumentHealth(this IEndpointConventionBuilder builder, string summary, string description) =>
        builder.Describe(OpenApiTags.Health, summary, description);

    /// <summary>A JSON request body of <typeparamref name="TRequest"/>, read through <c>AdminJson</c>: adds 400, 413 and 415.</summary>
    public static IEndpointConventionBuilder AcceptsJson<TRequest>(this IEndpointConventionBuilder builder)
    {
        RequireJsonContext(typeof(TRequest));
        return builder.InDocument().WithMetadata(new AcceptsMetadata([Json], typeof(TRequest))).Errors(400, 413, 415);
    }

    /// <summary>An <c>application/x-www-form-urlencoded</c> body with these fields (RFC names): adds 400 and 413.</summary>
    public static IEndpointConventionBuilder AcceptsForm(this IEndpointConventionBuilder builder, params FormField[] fields) =>
        builder.InDocument().WithMetadata(new FormBody(fields)).Errors(400, 413);

    /// <summary>A <paramref name="statusCode"/> answer with a JSON <typeparamref name="TResponse"/> body.</summary>
    public static IEndpointConventionBuilder Returns<TResponse>(this IEndpointConventionBuilder builder, int statusCode = 200)
    {
        RequireJsonContext(typeof(TResponse));
        return builder.AddResponse(statusCode, typeof(TResponse), null);
    }

    /// <summary>A <paramref name="statusCode"/> answer described in words, with no JSON body (empty, a redirect or an HTML page).</summary>
    public static IEndpointConventionBuilder ReturnsEmpty(this IEndpointConventionBuilder builder, int statusCode, string description) =>
        builder.AddResponse(statusCode, null, description);

    /// <summary>Error answers, each an <see cref="ErrorResponse"/> body; statuses already documented are skipped.</summary>
    public static IEndpointConventionBuilder Errors(this IEndpointConventionBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.AddResponse(statusCode, typeof(ErrorResponse), ErrorDescription(statusCode));
        }

        return builder;
    }

    private static IEndpointConventionBuilder Describe(this IEndpointConventionBuilder builder, string tag, string summary, string description) =>
        builder.InDocument().WithTags(tag).WithSummary(summary).WithDescription(description);

    /// <summary>
    /// ApiExplorer lists only endpoints whose metadata holds the handler's <see cref="System.Reflection.MethodInfo"/>
    /// (minimal-API delegates get it; plain RequestDelegates do not). The handler takes only HttpContext and
    /// returns Task, so it contributes no parameters or responses: everything comes from the metadata above.
    /// </summary>
    private static IEndpointConventionBuilder InDocument(this IEndpointConventionBuilder builder)
    {
        builder.Add(static endpoint =>
        {
            if (endpoint.RequestDelegate is { } handler && !endpoint.Metadata.Any(static m => m is System.Reflection.MethodInfo))
            {
                endpoint.Metadata.Add(handler.Method);
            }
        });
        return builder;
    }

    private static IEndpointConventionBuilder AddResponse(this IEndpointConventionBuilder builder, int statusCode, Type? type, string? description)
    {
        builder.InDocument().Add(endpoint =>
        {
            foreach (var existing in endpoint.Metadata)
            {
                if (existing is IProducesResponseTypeMetadata produces && produces.StatusCode == statusCode)
                {
                    return;
                }
            }

            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(statusCode, type, type is null ? [] : [Json])
            {
                Description = description,
            });
        });
        return builder;
    }

    private static string ErrorDescription(int statusCode) => statusCode switch
    {
        400 => "The request is invalid; `error` says how (RFC 6749 section 5.2 codes on OAuth endpoints: invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope; invalid_client_metadata on the admin API).",
        401 => "Authentication failed: `invalid_client` on OAuth endpoints (RFC 6749 section 5.2, always with `WWW-Authenticate: Basic realm=\"FastGateway\"`), `invalid_token` for a wrong or missing admin key.",
        403 => "The admin API is off: no `Admin:ApiKey` is configured (`admin_api_disabled`); at introspection, the client lacks the introspection permission (`unauthorized_client`, RFC 7662 section 2.1).",
        404 => "Not found (`not_found`).",
        409 => "Already exists.",
        413 => "The body is larger than the endpoint accepts (`request_too_large`).",
        415 => "The body is not `application/json`.",
        429 => "Too many failed credential checks for this client, username or remote address (`too_many_requests`), or the username is locked for a while (`temporarily_locked`); `Retry-After` gives the seconds to wait (RFC 6749 section 10.10).",
        503 => "Too many password checks in progress (`temporarily_unavailable`); `Retry-After` gives the seconds to wait.",
        _ => "Error.",
    };

    private static void RequireJsonContext(Type type)
    {
        if (GatewayJsonContext.Default.GetTypeInfo(type) is not JsonTypeInfo)
        {
            throw new InvalidOperationException($"{type.Name} is not in GatewayJsonContext: add [JsonSerializable(typeof({type.Name}))] there so it can be serialized and documented.");
        }
    }
}

/// <summary>One field of a form body.</summary>
/// <param name="Name">The RFC's parameter name, e.g. <c>grant_type</c>.</param>
/// <param name="Description">What it is and when it is needed, with the RFC section.</param>
/// <param name="Required">Whether every request needs it.</param>
/// <param name="Values">The allowed values, when the field is an enumeration.</param>
internal sealed record FormField(string Name, string Description, bool Required = false, string[]? Values = null);

/// <summary>Endpoint metadata: the endpoint reads a form with these fields (turned into the request body by <see cref="GatewayOpenApi"/>).</summary>
internal sealed record FormBody(IReadOnlyList<FormField> Fields);

/// <summary>Endpoint metadata: the security requirement of an operation.</summary>
/// <param name="Scheme">The security scheme's name in the document (<see cref="GatewayOpenApi"/> describes each).</param>
/// <param name="Optional">Whether calling without it is also allowed (an empty requirement is added).</param>
internal sealed record OperationSecurity(string Scheme, bool Optional)
{
    /// <summary><c>Authorization: Bearer &lt;Admin:ApiKey&gt;</c>.</summary>
    public static OperationSecurity AdminKey { get; } = new("adminKey", false);

    /// <summary>
    /// HTTP Basic client authentication; optional in the document because the credentials may instead be
    /// in the form (client_secret_post) and public clients send <c>client_id</c> alone.
    /// </summary>
    public static OperationSecurity ClientBasic { get; } = new("clientBasic", true);
}

/// <summary>The document's tags.</summary>
internal static class OpenApiTags
{
    /// <summary>The authorization server.</summary>
    public const string OAuth = "OAuth";

    /// <summary>The admin API.</summary>
    public const string Admin = "Admin";

    /// <summary>Liveness and readiness.</summary>
    public const string Health = "Health";
}
