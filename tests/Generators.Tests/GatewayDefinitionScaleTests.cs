using System.Text;
using FastGateway.Contracts;

namespace FastGateway.Generators.Tests;

public sealed class GatewayDefinitionScaleTests
{
    private const int ResourceCount = 10_000;
    private const int ApiScopeCount = 10;

    [Fact]
    public void Generator_TenThousandResources_CompilesAndMatchesSample()
    {
        var definition = GeneratorHarness.Load(BuildDefinition());

        Assert.Equal(ResourceCount, definition.Resources.Count);
        for (var i = 0; i < ResourceCount; i += 37)
        {
            var (method, template, path) = Resource(i);
            var match = definition.Match(method, path);

            Assert.Equal(RouteMatchStatus.Matched, match.Status);
            var resource = definition.Resources[match.ResourceIndex];
            Assert.Equal(method, resource.Method);
            Assert.Equal(template, resource.PathTemplate);
            Assert.Equal(1UL << (i % ApiScopeCount), match.RequiredScopes);
        }

        Assert.Equal(RouteMatchStatus.NoResource, definition.Match(HttpMethodKind.Get, "/big/r1/1/extra").Status);
        Assert.Equal(RouteMatchStatus.NoResource, definition.Match(HttpMethodKind.Delete, "/big/r0").Status);
        Assert.Equal(RouteMatchStatus.NoApi, definition.Match(HttpMethodKind.Get, "/bigger/r0").Status);
    }

    /// <summary>Resource <paramref name="i"/>: four shapes mixing literals and parameters, with a sample request path.</summary>
    private static (HttpMethodKind Method, string Template, string Path) Resource(int i) => (i % 4) switch
    {
        0 => (HttpMethodKind.Get, $"/r{i}", $"/big/r{i}"),
        1 => (HttpMethodKind.Get, $"/r{i}/{{id}}", $"/big/r{i}/{i * 7}"),
        2 => (HttpMethodKind.Post, $"/items/{{id}}/s{i}", $"/big/items/abc{i}/s{i}"),
        _ => (HttpMethodKind.Put, $"/g{i % 50}/{{x}}/l{i}", $"/big/g{i % 50}/value/l{i}"),
    };

    private static string BuildDefinition()
    {
        var json = new StringBuilder("{ \"apis\": [ { \"name\": \"big\", \"basePath\": \"/big\", \"apiScopes\": [\n");
        for (var s = 0; s < ApiScopeCount; s++)
        {
            json.Append(s == 0 ? string.Empty : ",\n").Append("{ \"name\": \"S").Append(s).Append("\", \"resources\": [");
            for (var i = s; i < ResourceCount; i += ApiScopeCount)
            {
                var (method, template, _) = Resource(i);
                json.Append(i == s ? string.Empty : ", ").Append('"').Append(method.ToString().ToUpperInvariant()).Append(' ').Append(template).Append('"');
            }

            json.Append("] }");
        }

        json.Append("] } ],\n\"scopes\": [");
        for (var s = 0; s < ApiScopeCount; s++)
        {
            json.Append(s == 0 ? string.Empty : ", ").Append("{ \"name\": \"s").Append(s).Append("\", \"apiScopes\": [ \"big/S").Append(s).Append("\" ] }");
        }

        return json.Append("] }").ToString();
    }
}
