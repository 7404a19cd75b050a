using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FastGateway.Generated;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// <c>FastGateway definition</c> (text and --json) and <c>GET /admin/v1/definition</c> on the real binary: the
/// compiled tables of gateway.json, with one hash everywhere.
/// </summary>
public sealed class DefinitionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Definition_Text_ListsEveryApiResourceApiScopeAndScope_HashCoversTheLines()
    {
        var (exitCode, stdout, _) = await RunAsync("definition");

        Assert.Equal(0, exitCode);
        var lines = stdout.Split('\n');
        Assert.Equal("", lines[^1]);
        var body = string.Join('\n', lines[1..]);
        Assert.Equal($"definition sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}", lines[0]);
        foreach (var api in GatewayDefinition.Apis)
        {
            Assert.Contains($"api {api.Name} base_path={api.BasePath} upstream=Upstreams:{api.Name} display_name=\"{api.DisplayName}\"", lines);
            foreach (var apiScope in api.ApiScopes)
            {
                Assert.Contains(lines, line => line.StartsWith($"api_scope {api.Name}/{apiScope} resources=", StringComparison.Ordinal));
            }
        }

        foreach (var resource in GatewayDefinition.Resources)
        {
            var api = GatewayDefinition.Apis[resource.ApiIndex].Name;
            Assert.Contains($"resource {api} {resource.Method.ToString().ToUpperInvariant()} {resource.PathTemplate} api_scopes={string.Join(',', resource.ApiScopes.Order(StringComparer.Ordinal))}", lines);
        }

        foreach (var scope in GatewayDefinition.Scopes)
        {
            Assert.Contains($"scope {scope.Name} api_scopes={string.Join(',', scope.ApiScopes.Order(StringComparer.Ordinal))} description=\"{scope.Description}\"", lines);
        }

        Assert.Equal(1 + GatewayDefinition.Apis.Count + GatewayDefinition.Resources.Count + GatewayDefinition.Apis.Sum(api => api.ApiScopes.Count) + GatewayDefinition.Scopes.Count + 1, lines.Length);
        Assert.Contains("api_scope timetravels/ViewTickets resources=\"GET /bookings, GET /bookings/{id}\"", lines);
        Assert.Contains("scope view api_scopes=timetravels/ViewTickets description=\"See your bookings\"", lines);
    }

    [Fact]
    public async Task Definition_TwiceAndAsJson_SameHash()
    {
        var first = await RunAsync("definition");
        var second = await RunAsync("definition");
        var json = await RunAsync("definition", "--json");

        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(0, json.ExitCode);
        var document = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(first.Stdout.Split('\n')[0], $"definition {document.GetProperty("hash").GetString()}");
        var api = Assert.Single(document.GetProperty("apis").EnumerateArray());
        Assert.Equal("timetravels", api.GetProperty("name").GetString());
        Assert.Equal("Upstreams:timetravels", api.GetProperty("upstream_key").GetString());
        Assert.Equal(GatewayDefinition.Resources.Count, api.GetProperty("resources").GetArrayLength());
        Assert.Equal(["book", "cancel", "view"], document.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Definition_WithAConfigurationArgument_Exit1()
    {
        var (exitCode, stdout, stderr) = await RunAsync("definition", "--Upstreams:timetravels=http://127.0.0.1:1");

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("definition takes no argument '--Upstreams:timetravels=http://127.0.0.1:1'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminDefinition_SameDocumentAsTheCommand_AdminKeyRequired()
    {
        var command = await RunAsync("definition", "--json");
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed());
        using var http = gateway.CreateClient();

        using var anonymous = await http.GetAsync("/admin/v1/definition");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/definition");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var served = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var printed = JsonDocument.Parse(command.Stdout).RootElement;
        Assert.StartsWith("sha256:", served.GetProperty("hash").GetString(), StringComparison.Ordinal);
        Assert.True(JsonElement.DeepEquals(printed, served), $"admin API: {served}\ncommand: {printed}");
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        GatewayProcess.RunCommandAsync(GatewayProcess.GatewayDllPath, null, args);
}
