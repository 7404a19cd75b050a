using System.Net;
using System.Text.Json;
using FastGateway.Hosting;
using FastGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// GET /openapi/v1.json from a real gateway process: it passes Redocly's linter (tests/OpenApi, pinned
/// @redocly/cli), lists every mapped endpoint with its methods, and says what each one reads, answers and
/// needs for authentication.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class OpenApiTests(GatewayFixture fixture)
{
    private static readonly string[] TokenFields =
        ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "username", "password", "scope", "client_id", "client_secret"];

    private static readonly string[] TokenParameterFields = ["token", "token_type_hint", "client_id", "client_secret"];

    /// <summary>The stable external interface (BRIEF.md) plus the aliases: must always be in the document.</summary>
    private static readonly (string Method, string Path)[] StableOperations =
    [
        ("post", "/oauth2/token"),
        ("post", "/oauth2/introspect"),
        ("post", "/oauth2/revoke"),
        ("get", "/.well-known/oauth-authorization-server"),
        ("get", "/oauth2/authorize"),
        ("post", "/invoke/pub.apigateway.oauth2/getAccessToken"),
        ("post", "/invoke/pub.oauth/refreshAccessToken"),
        ("post", "/invoke/pub.oauth/introspectToken"),
        ("post", "/invoke/pub.oauth/revokeToken"),
        ("post", "/oauth/client_credential/accesstoken"),
        ("post", "/admin/v1/clients"),
        ("get", "/admin/v1/clients/{client_id}"),
        ("post", "/admin/v1/users"),
        ("get", "/admin/v1/users/{username}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
    ];

    private async Task<(string Json, JsonElement Document)> GetDocumentAsync()
    {
        using var response = await fixture.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        return (json, JsonDocument.Parse(json).RootElement.Clone());
    }

    private static JsonElement Operation(JsonElement document, string method, string path) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method);

    [Fact]
    public async Task Document_PassesRedoclyLint()
    {
        var (json, _) = await GetDocumentAsync();
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "openapi.json");
        await File.WriteAllTextAsync(file, json);
        var folder = Path.Combine(ExternalTool.RepositoryRoot(), "tests", "OpenApi");
        await ExternalTool.EnsureNpmPackagesAsync(folder, "@redocly/cli");

        var lint = await ExternalTool.RunAsync(
            "node",
            [Path.Combine("node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", "--config", "redocly.yaml", "--format", "stylish", file],
            folder,
            new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" });

        Assert.True(lint.ExitCode == 0, $"redocly lint failed ({lint.ExitCode}):\n{lint.Output}\n--- document ---\n{json}");
        Assert.StartsWith("3.1", JsonDocument.Parse(json).RootElement.GetProperty("openapi").GetString());
    }

    [Fact]
    public async Task Document_ListsEveryMappedEndpoint_WithItsMethods()
    {
        var (_, document) = await GetDocumentAsync();
        var paths = document.GetProperty("paths");
        var documented = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Method: operation.Name, Path: path.Name)))
            .ToHashSet();

        // Every endpoint the app maps is in the document unless it opted out with ExcludeFromDescription
        // (the HTML authorize steps, the document itself): a new endpoint without documentation fails here.
        var mapped = await MappedEndpointsAsync();
        Assert.NotEmpty(mapped);
        var missing = mapped.Where(e => !e.Excluded && !documented.Contains((e.Method, e.Path))).Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.True(missing.Count == 0, "mapped but not in /openapi/v1.json (document it with EndpointDocumentation, or ExcludeFromDescription): " + string.Join(", ", missing));
        var unmapped = documented.Where(d => !mapped.Any(e => (e.Method, e.Path) == d)).Select(d => $"{d.Method} {d.Path}").ToList();
        Assert.True(unmapped.Count == 0, "documented but not mapped: " + string.Join(", ", unmapped));

        foreach (var (method, path) in StableOperations)
        {
            Assert.True(documented.Contains((method, path)), $"{method} {path} is missing from the document");
            var operation = Operation(document, method, path);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has no summary");
            Assert.Single(operation.GetProperty("tags").EnumerateArray());
        }

        Assert.DoesNotContain(documented, d => d.Path.StartsWith("/timetravels", StringComparison.Ordinal));
        Assert.DoesNotContain(("post", "/oauth2/authorize"), documented);
    }

    [Fact]
    public async Task AdminOperations_NeedTheAdminKey_AndDescribeBodiesAndErrors()
    {
        var (_, document) = await GetDocumentAsync();
        foreach (var (method, path) in StableOperations.Where(o => o.Path.StartsWith("/admin/", StringComparison.Ordinal)))
        {
            var operation = Operation(document, method, path);
            Assert.Equal("Admin", operation.GetProperty("tags")[0].GetString());
            Assert.Equal(["adminKey"], operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(p => p.Name));
            Assert.Equal("#/components/schemas/ErrorResponse", BodySchemaRef(operation, "401"));
            Assert.Equal("#/components/schemas/ErrorResponse", BodySchemaRef(operation, "403"));
        }

        var create = Operation(document, "post", "/admin/v1/clients");
        Assert.Equal("#/components/schemas/ClientMetadataRequest", create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/ClientInformationResponse", BodySchemaRef(create, "201"));
        foreach (var status in (string[])["400", "409", "413", "415"])
        {
            Assert.Equal("#/components/schemas/ErrorResponse", BodySchemaRef(create, status));
        }

        var get = Operation(document, "get", "/admin/v1/clients/{client_id}");
        var parameter = Assert.Single(get.GetProperty("parameters").EnumerateArray());
        Assert.Equal(("client_id", "path", true), (parameter.GetProperty("name").GetString(), parameter.GetProperty("in").GetString(), parameter.GetProperty("required").GetBoolean()));
        Assert.Equal("#/components/schemas/ErrorResponse", BodySchemaRef(get, "404"));

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("http", "bearer"), (schemes.GetProperty("adminKey").GetProperty("type").GetString(), schemes.GetProperty("adminKey").GetProperty("scheme").GetString()));
        Assert.Equal(("http", "basic"), (schemes.GetProperty("clientBasic").GetProperty("type").GetString(), schemes.GetProperty("clientBasic").GetProperty("scheme").GetString()));
    }

    [Fact]
    public async Task OAuthOperations_ListTheirFormFields_ClientAuthentication_AndWireNames()
    {
        var (_, document) = await GetDocumentAsync();
        foreach (var (path, fields, response) in ((string, string[], string?)[])[
            ("/oauth2/token", TokenFields, "TokenResponse"),
            ("/invoke/pub.apigateway.oauth2/getAccessToken", TokenFields, "TokenResponse"),
            ("/oauth/client_credential/accesstoken", TokenFields, "ApigeeTokenResponse"),
            ("/oauth2/introspect", TokenParameterFields, "IntrospectionResponse"),
            ("/oauth2/revoke", TokenParameterFields, null)])
        {
            var operation = Operation(document, "post", path);
            var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema");
            Assert.Equal(fields, schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
            Assert.Equal(fields[0], Assert.Single(schema.GetProperty("required").EnumerateArray()).GetString());
            // Basic, or credentials in the form / a public client's bare client_id: the empty requirement.
            Assert.Equal(["clientBasic", ""], operation.GetProperty("security").EnumerateArray().Select(r => r.EnumerateObject().Select(p => p.Name).FirstOrDefault() ?? ""));
            Assert.Equal("#/components/schemas/ErrorResponse", BodySchemaRef(operation, "400"));
            Assert.Equal("#/components/schemas/ErrorResponse", BodySchemaRef(operation, "401"));
            if (response is not null)
            {
                Assert.Equal("#/components/schemas/" + response, BodySchemaRef(operation, "200"));
            }
        }

        var grantTypes = Operation(document, "post", "/oauth2/token").GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded")
            .GetProperty("schema").GetProperty("properties").GetProperty("grant_type").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["authorization_code", "password", "client_credentials", "refresh_token"], grantTypes);

        // Schemas carry the names on the wire (snake_case, from GatewayJsonContext), and what is omitted when null is not required.
        var token = document.GetProperty("components").GetProperty("schemas").GetProperty("TokenResponse");
        Assert.Equal(["access_token", "token_type", "expires_in", "scope", "issued_at", "client_id", "refresh_token"], token.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["access_token", "token_type", "scope", "issued_at", "client_id"], token.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("integer", token.GetProperty("properties").GetProperty("issued_at").GetProperty("type").GetString());
        var error = document.GetProperty("components").GetProperty("schemas").GetProperty("ErrorResponse");
        Assert.Equal(["error", "error_description", "scope"], error.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    /// <summary>The <c>$ref</c> of a response's JSON body.</summary>
    private static string? BodySchemaRef(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();

    /// <summary>Every (method, path) the app maps, from its own endpoint data sources (built in process, not started).</summary>
    private static async Task<List<(string Method, string Path, bool Excluded)>> MappedEndpointsAsync()
    {
        using var storage = new TempFolder();
        var app = GatewayApp.Build([
            $"--Storage:Path={storage.Path}",
            $"--Upstreams:timetravels={BrokenUpstreams.Closed()}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        try
        {
            return [.. ((IEndpointRouteBuilder)app).DataSources
                .SelectMany(source => source.Endpoints)
                .OfType<RouteEndpoint>()
                .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (
                    Method: method.ToLowerInvariant(),
                    Path: "/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
                    Excluded: endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true)))];
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
