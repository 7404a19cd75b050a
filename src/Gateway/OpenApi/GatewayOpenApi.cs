using System.Text.Json.Nodes;
using FastGateway.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.OpenApi;

namespace FastGateway.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the OAuth, admin and health endpoints, served at <c>GET /openapi/v1.json</c>
/// by Microsoft.AspNetCore.OpenApi (Native-AOT compatible: schemas come from <see cref="GatewayJsonContext"/>).
/// </summary>
/// <remarks>
/// <code>
/// Map call + EndpointDocumentation metadata (tags, summary, Accepts/Produces, FormBody, OperationSecurity)
///   ──► ApiExplorer ──► OpenAPI generator ──► operation transformer: FormBody ──► form request body,
///                                                                    OperationSecurity ──► security requirement
///                                       ──► document transformer: info, tags, security schemes
/// </code>
/// The protected-API proxy routes are middleware, not endpoints, so they never appear; the HTML
/// authorization pages appear as one short <c>GET /oauth2/authorize</c> entry.
/// </remarks>
internal static class GatewayOpenApi
{
    /// <summary>The document name: served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    private static readonly (string Name, string Description)[] TagDescriptions =
    [
        (OpenApiTags.OAuth, "The authorization server: token, introspection, revocation, metadata and authorization endpoints, and their webMethods/Apigee aliases."),
        (OpenApiTags.Admin, "Applications and users. Send `Authorization: Bearer <Admin:ApiKey>`; without a configured key the admin API answers 403."),
        (OpenApiTags.Health, "Liveness and readiness probes."),
    ];

    /// <summary>Registers the document and its transformers, and lets the JSON options resolve the gateway's source-generated types.</summary>
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services)
    {
        // The generator builds schemas from the HTTP JSON options: our source-generated metadata comes first (no
        // reflection under Native AOT), and the options that shape the JSON are the context's (snake_case names,
        // numbers as numbers, nulls omitted). Every handler writes with GatewayJsonContext's own JsonTypeInfo, so
        // nothing else reads these options.
        services.ConfigureHttpJsonOptions(static json =>
        {
            var ours = GatewayJsonContext.Default.Options;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
            json.SerializerOptions.PropertyNamingPolicy = ours.PropertyNamingPolicy;
            json.SerializerOptions.NumberHandling = ours.NumberHandling;
            json.SerializerOptions.DefaultIgnoreCondition = ours.DefaultIgnoreCondition;
            json.SerializerOptions.UnmappedMemberHandling = ours.UnmappedMemberHandling;
        });
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(static (document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(static (operation, context, _) =>
            {
                Describe(operation, context.Description, context.Document);
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer(static (schema, _, _) =>
            {
                // Nulls are omitted when writing (WhenWritingNull), so a nullable property is never required.
                if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
                {
                    foreach (var (name, property) in properties)
                    {
                        if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                        {
                            required.Remove(name);
                        }
                    }
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Maps <c>GET /openapi/v1.json</c>.</summary>
    public static WebApplication MapGatewayOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    private static void Describe(OpenApiDocument document)
    {
        // Relative to where the document is served: the request's host may be a load balancer's internal name.
        document.Servers = [new OpenApiServer { Url = "/" }];
        document.Info = new OpenApiInfo
        {
            Title = "FastGateway",
            Version = DocumentName,
            Description = "OAuth 2.0 authorization server (RFC 6749, PKCE RFC 7636, introspection RFC 7662, revocation RFC 7009, "
                + "metadata RFC 8414) and its admin API. Errors are JSON `{\"error\", \"error_description\"}` (RFC 6749 section 5.2 shape). "
                + "The protected APIs behind the gateway are not described here: see gateway.json.",
        };
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in TagDescriptions)
        {
            if (document.Tags.FirstOrDefault(tag => tag.Name == name) is { } tag)
            {
                tag.Description = description;
            }
            else
            {
                document.Tags.Add(new OpenApiTag { Name = name, Description = description });
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [OperationSecurity.AdminKey.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The admin API key (`Admin:ApiKey`), sent as `Authorization: Bearer <key>`; compared in constant time.",
            },
            [OperationSecurity.ClientBasic.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "Client authentication, RFC 6749 section 2.3.1: `client_id:client_secret` in HTTP Basic (client_secret_basic). "
                    + "The same credentials may instead be sent as the `client_id` and `client_secret` form fields (client_secret_post); "
                    + "public clients send `client_id` alone.",
            },
        };
    }

    private static void Describe(OpenApiOperation operation, ApiDescription description, OpenApiDocument? document)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        operation.OperationId ??= OperationId(description);
        operation.Security = [];
        foreach (var item in metadata)
        {
            switch (item)
            {
                case FormBody form:
                    operation.RequestBody = FormRequestBody(form);
                    break;
                case OperationSecurity security:
                    operation.Security = SecurityRequirements(security, document);
                    break;
            }
        }

        AddPathParameters(operation, description.RelativePath ?? "");
        var responses = new SortedDictionary<string, IOpenApiResponse>(operation.Responses ?? [], StringComparer.Ordinal);
        foreach (var item in metadata)
        {
            // Descriptions given to EndpointDocumentation win; a body-less answer ApiExplorer dropped is added back.
            if (item is IProducesResponseTypeMetadata { Description: { } text } produces)
            {
                var status = produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (responses.TryGetValue(status, out var response) && response is OpenApiResponse concrete)
                {
                    concrete.Description = text;
                }
                else if (response is null)
                {
                    responses[status] = new OpenApiResponse { Description = text };
                }
            }
        }

        operation.Responses = [];
        foreach (var (status, response) in responses)
        {
            operation.Responses[status] = response;
        }
    }

    /// <summary>Route parameters (<c>{client_id}</c>) are declared as required string path parameters; handlers read them from RouteValues.</summary>
    private static void AddPathParameters(OpenApiOperation operation, string path)
    {
        for (var start = path.IndexOf('{', StringComparison.Ordinal); start >= 0; start = path.IndexOf('{', start + 1))
        {
            var end = path.IndexOf('}', start);
            var name = path[(start + 1)..end];
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.Name == name))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Path,
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }
    }

    /// <summary>A stable operationId from method and path: <c>POST /admin/v1/clients</c> ⇒ <c>post_admin_v1_clients</c>.</summary>
    private static string OperationId(ApiDescription description)
    {
        var id = new System.Text.StringBuilder((description.HttpMethod ?? "any").ToLowerInvariant()).Append('_');
        foreach (var c in description.RelativePath ?? "")
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                id.Append(c);
            }
            else if (id[^1] != '_')
            {
                id.Append('_');
            }
        }

        return id.ToString().TrimEnd('_');
    }

    private static OpenApiRequestBody FormRequestBody(FormBody form)
    {
        var properties = new Dictionary<string, IOpenApiSchema>(form.Fields.Count);
        var required = new HashSet<string>();
        foreach (var field in form.Fields)
        {
            var schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = field.Description };
            if (field.Values is { } values)
            {
                schema.Enum = [.. values.Select(static v => (JsonNode)JsonValue.Create(v))];
            }

            properties[field.Name] = schema;
            if (field.Required)
            {
                required.Add(field.Name);
            }
        }

        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [EndpointDocumentation.Form] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties, Required = required },
                },
            },
        };
    }

    private static List<OpenApiSecurityRequirement> SecurityRequirements(OperationSecurity security, OpenApiDocument? document)
    {
        var requirements = new List<OpenApiSecurityRequirement>
        {
            new() { [new OpenApiSecuritySchemeReference(security.Scheme, document)] = [] },
        };
        if (security.Optional)
        {
            requirements.Add([]); // OpenAPI's "or no authentication".
        }

        return requirements;
    }
}
