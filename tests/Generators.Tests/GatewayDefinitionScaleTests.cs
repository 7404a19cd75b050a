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
        for (var i = 0; i < ResourceCount; i++)
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

    [Fact]
    public void Generator_StatesPastTheSwitchLimit_DispatchThroughLookupWithSameResults()
    {
        // Past MaxSwitchCases literals, a state (and a base-path node) dispatches through a frozen-dictionary lookup:
        // the results must be those of the switch, including the fall-back to a parameter when no literal matches.
        const int literals = 300; // over GatewayDefinitionEmitter.MaxSwitchCases (256); the Contains below proves it

        var json = new StringBuilder("{ \"apis\": [");
        for (var a = 0; a < literals; a++)
        {
            json.Append(a == 0 ? string.Empty : ",\n").Append("{ \"name\": \"a").Append(a).Append("\", \"basePath\": \"/v1/a").Append(a)
                .Append("\", \"apiScopes\": [ { \"name\": \"S\", \"resources\": [ \"GET /{p}/x\"");
            if (a == 0)
            {
                for (var i = 0; i < literals; i++)
                {
                    json.Append(", \"GET /l").Append(i).Append("/x\"");
                }
            }

            json.Append(" ] } ] }");
        }

        var run = GeneratorHarness.Run(json.Append("], \"scopes\": [] }").ToString()).Result;
        Assert.Empty(run.Diagnostics);
        var source = run.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("CreateLiteralLookup", source);
        var definition = GeneratorHarness.Load(json.ToString());

        for (var i = 0; i < literals; i++)
        {
            var literal = definition.Match(HttpMethodKind.Get, $"/v1/a0/l{i}/x");
            Assert.Equal(RouteMatchStatus.Matched, literal.Status);
            Assert.Equal($"/l{i}/x", definition.Resources[literal.ResourceIndex].PathTemplate);

            var api = definition.Match(HttpMethodKind.Get, $"/v1/a{i}/l{i}/x");
            Assert.Equal(RouteMatchStatus.Matched, api.Status);
            Assert.Equal($"a{i}", definition.Apis[api.ApiIndex].Name);
        }

        var parameter = definition.Match(HttpMethodKind.Get, "/v1/a0/zzz/x");
        Assert.Equal("/{p}/x", definition.Resources[parameter.ResourceIndex].PathTemplate);
        Assert.Equal(RouteMatchStatus.NoResource, definition.Match(HttpMethodKind.Get, "/v1/a0/l3/y").Status);
        Assert.Equal(RouteMatchStatus.NoApi, definition.Match(HttpMethodKind.Get, $"/v1/a{literals}/l0/x").Status);
        Assert.Equal(RouteMatchStatus.NoApi, definition.Match(HttpMethodKind.Get, "/v1").Status);
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
