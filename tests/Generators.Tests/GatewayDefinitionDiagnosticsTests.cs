using Microsoft.CodeAnalysis;

namespace FastGateway.Generators.Tests;

public sealed class GatewayDefinitionDiagnosticsTests
{
    [Fact]
    public void Parser_InvalidJson_ReportsFG001AtLine()
    {
        const string json = """
            {
              "apis": [
                { "name": "a", "basePath": "/a", "apiScopes": [] },,
              ],
              "scopes": []
            }
            """;

        AssertSingle(json, "FG001", 3);
    }

    [Fact]
    public void Parser_EmptyFile_ReportsFG001()
    {
        AssertSingle("   ", "FG001", 1);
    }

    [Fact]
    public void Parser_ScopeMapsToUnknownApiScope_ReportsFG002AtLine()
    {
        const string json = """
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [ { "name": "Read", "resources": [ "GET /x" ] } ] } ],
              "scopes": [
                { "name": "read", "apiScopes": [
                  "a/Read",
                  "a/Write"
                ] }
              ]
            }
            """;

        var diagnostic = AssertSingle(json, "FG002", 6);
        Assert.Contains("a/Write", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_ScopeMapsToUnknownApi_ReportsFG002AtLine()
    {
        const string json = """
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [ { "name": "Read", "resources": [ "GET /x" ] } ] } ],
              "scopes": [ { "name": "read", "apiScopes": [ "b/Read" ] } ]
            }
            """;

        AssertSingle(json, "FG002", 3);
    }

    [Fact]
    public void Parser_ResourceTwiceInOneApiScope_ReportsFG003AtLine()
    {
        const string json = """
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [
                { "name": "Read", "resources": [
                  "GET /x",
                  "GET /x"
                ] } ] } ],
              "scopes": []
            }
            """;

        AssertSingle(json, "FG003", 5);
    }

    [Fact]
    public void Parser_ResourceInTwoApiScopes_NoDiagnostic()
    {
        const string json = """
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [
                { "name": "Read", "resources": [ "GET /x" ] },
                { "name": "Write", "resources": [ "GET /x" ] } ] } ],
              "scopes": []
            }
            """;

        Assert.Empty(GeneratorHarness.Diagnostics(json));
    }

    [Fact]
    public void Parser_TemplatesDifferingOnlyInParameterNames_ReportsFG004AtLine()
    {
        const string json = """
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [
                { "name": "Read", "resources": [ "GET /bookings/{id}" ] },
                { "name": "Other", "resources": [ "DELETE /bookings/{bookingId}",
                  "GET /bookings/{bookingId}" ] } ] } ],
              "scopes": []
            }
            """;

        AssertSingle(json, "FG004", 5);
    }

    [Fact]
    public void Parser_LiteralNextToParameter_NoDiagnostic()
    {
        const string json = """
            { "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [
                { "name": "Read", "resources": [ "GET /bookings/latest", "GET /bookings/{id}" ] } ] } ],
              "scopes": [] }
            """;

        Assert.Empty(GeneratorHarness.Diagnostics(json));
    }

    [Theory]
    [InlineData("get /x")]
    [InlineData("FETCH /x")]
    [InlineData("GET")]
    [InlineData("GET  /x")]
    [InlineData("GET x")]
    [InlineData("GET /x/")]
    [InlineData("GET /x//y")]
    [InlineData("GET /x/{id")]
    [InlineData("GET /x/a{id}")]
    [InlineData("GET /x/{}")]
    [InlineData("GET /x/{1d}")]
    [InlineData("GET /x/{id}/{id}")]
    [InlineData("GET /x?y=1")]
    [InlineData("GET /x#y")]
    [InlineData("GET /x%20y")]
    [InlineData("GET /x y")]
    [InlineData("GET /x/..")]
    [InlineData("GET ")]
    public void Parser_MalformedResource_ReportsFG005AtLine(string resource)
    {
        var json = $$"""
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [ { "name": "Read", "resources": [
                  "GET /ok",
                  "{{resource}}"
              ] } ] } ],
              "scopes": []
            }
            """;

        AssertSingle(json, "FG005", 4);
    }

    [Theory]
    [InlineData("GET /")]
    [InlineData("OPTIONS /x/{id}/y")]
    [InlineData("PATCH /a:b@c/~x/!$&'()*+,;=")]
    public void Parser_WellFormedResource_NoDiagnostic(string resource)
    {
        var json = $$"""
            { "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [ { "name": "Read", "resources": [ "{{resource}}" ] } ] } ], "scopes": [] }
            """;

        Assert.Empty(GeneratorHarness.Diagnostics(json));
    }

    [Theory]
    [InlineData("\"name\": \"Time Travels\", \"basePath\": \"/a\"")]
    [InlineData("\"name\": \"-a\", \"basePath\": \"/a\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"a\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/a/\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/a/{id}\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/a//b\"")]
    [InlineData("\"name\": \"first\", \"basePath\": \"/b\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/first\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/first/sub\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/oauth2\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/Admin/v2\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/healthz\"")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/b\", \"apiScopes\": [ { \"name\": \"A/B\", \"resources\": [] } ], \"displayName\": \"x\"")]
    public void Parser_InvalidApiNameOrBasePath_ReportsFG006AtLine(string api)
    {
        var withScopes = api.Contains("apiScopes", StringComparison.Ordinal) ? api : api + ", \"apiScopes\": []";
        var json = $$"""
            {
              "apis": [
                { "name": "first", "basePath": "/first", "apiScopes": [] },
                { {{withScopes}} }
              ],
              "scopes": []
            }
            """;

        AssertSingle(json, "FG006", 4);
    }

    [Theory]
    [InlineData("read write")]
    [InlineData("read\\\"")]
    [InlineData("")]
    [InlineData("first")]
    public void Parser_InvalidOrDuplicateScopeName_ReportsFG006AtLine(string name)
    {
        var json = $$"""
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [ { "name": "Read", "resources": [ "GET /x" ] } ] } ],
              "scopes": [
                { "name": "first", "apiScopes": [ "a/Read" ] },
                { "name": "{{name}}", "apiScopes": [ "a/Read" ] }
              ]
            }
            """;

        AssertSingle(json, "FG006", 5);
    }

    [Fact]
    public void Parser_SixtyFiveScopes_ReportsFG007AtSixtyFifthScope()
    {
        var scopes = string.Join(",\n", Enumerable.Range(0, 65).Select(i => $"    {{ \"name\": \"s{i}\", \"apiScopes\": [ \"a/Read\" ] }}"));
        var json = "{\n  \"apis\": [ { \"name\": \"a\", \"basePath\": \"/a\", \"apiScopes\": [ { \"name\": \"Read\", \"resources\": [ \"GET /x\" ] } ] } ],\n  \"scopes\": [\n"
            + scopes + "\n  ]\n}";

        // Line 1 '{', 2 apis, 3 "scopes": [, then scope i on line 4 + i: the 65th (i = 64) on line 68.
        var diagnostic = AssertSingle(json, "FG007", 68);
        Assert.Contains("65", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_SixtyFourScopes_GeneratesAllScopesMask()
    {
        var scopes = string.Join(",", Enumerable.Range(0, 64).Select(i => $"{{ \"name\": \"s{i}\", \"apiScopes\": [ \"a/Read\" ] }}"));
        var json = "{ \"apis\": [ { \"name\": \"a\", \"basePath\": \"/a\", \"apiScopes\": [ { \"name\": \"Read\", \"resources\": [ \"GET /x\" ] } ] } ], \"scopes\": [" + scopes + "] }";

        var definition = GeneratorHarness.Load(json);

        Assert.Equal(ulong.MaxValue, definition.Constant<ulong>("AllScopes"));
        Assert.Equal(ulong.MaxValue, definition.Match(Contracts.HttpMethodKind.Get, "/a/x").RequiredScopes);
        Assert.True(definition.TryGetScopeBit("s63", out var bit));
        Assert.Equal(63, bit);
    }

    [Fact]
    public void Parser_UnknownProperty_ReportsFG008AtLine()
    {
        const string json = """
            {
              "apis": [ { "name": "a", "basePath": "/a", "apiScopes": [
                { "name": "Read", "resources": [ "GET /x" ],
                  "descripton": "typo" } ] } ],
              "scopes": []
            }
            """;

        var diagnostic = AssertSingle(json, "FG008", 4);
        Assert.Contains("descripton", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_MissingRequiredProperty_ReportsFG008AtObjectLine()
    {
        const string json = """
            {
              "apis": [
                { "name": "a", "apiScopes": [] }
              ],
              "scopes": []
            }
            """;

        var diagnostic = AssertSingle(json, "FG008", 3);
        Assert.Contains("basePath", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"name\": 5, \"basePath\": \"/a\", \"apiScopes\": []")]
    [InlineData("\"name\": \"a\", \"basePath\": \"/a\", \"apiScopes\": {}")]
    [InlineData("\"name\": \"a\", \"name\": \"b\", \"basePath\": \"/a\", \"apiScopes\": []")]
    [InlineData("\"name\": \"a\", \"displayName\": null, \"basePath\": \"/a\", \"apiScopes\": []")]
    public void Parser_WrongTypeOrDuplicateProperty_ReportsFG008AtLine(string api)
    {
        var json = $$"""
            {
              "apis": [
                { {{api}} }
              ],
              "scopes": []
            }
            """;

        AssertSingle(json, "FG008", 3);
    }

    [Fact]
    public void Parser_ScopeWithoutMappings_ReportsFG008AtLine()
    {
        const string json = """
            {
              "apis": [],
              "scopes": [
                { "name": "read", "apiScopes": [] }
              ]
            }
            """;

        AssertSingle(json, "FG008", 4);
    }

    [Fact]
    public void Parser_DiagnosticAfterMultiByteText_PointsAtRightColumn()
    {
        const string json = "{\n  \"apis\": [ { \"name\": \"a\", \"displayName\": \"Zeitreisen \u00e4\u00f6\u00fc \u2603\", \"basePath\": \"/a\", \"apiScopes\": [], \"bad\": 1 } ],\n  \"scopes\": []\n}";

        var diagnostic = AssertSingle(json, "FG008", 2);
        var column = diagnostic.Location.GetLineSpan().StartLinePosition.Character;
        Assert.Equal(json.Split('\n')[1].IndexOf("\"bad\"", StringComparison.Ordinal), column);
        Assert.Equal("\"bad\"", json.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void Generator_TwoDefinitionFiles_ReportsFG009()
    {
        var driver = GeneratorHarness.CreateDriver(
            new InMemoryAdditionalText("/one/gateway.json", GeneratorHarness.ReadTestData("gateway.json")),
            new InMemoryAdditionalText("/two/Gateway.JSON", GeneratorHarness.ReadTestData("gateway.json")));

        var result = driver.RunGenerators(GeneratorHarness.CreateCompilation()).GetRunResult().Results.Single();

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("FG009", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("/two/Gateway.JSON", diagnostic.Location.GetLineSpan().Path);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Generator_DefinitionNameInOtherCase_IsPickedUp()
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.ReadTestData("gateway.json"), "/project/config/GATEWAY.json");

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void Generator_NoDefinitionFile_GeneratesNothing()
    {
        var driver = GeneratorHarness.CreateDriver(new InMemoryAdditionalText("/project/other.json", "{}"));

        var result = driver.RunGenerators(GeneratorHarness.CreateCompilation()).GetRunResult().Results.Single();

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Descriptors_EveryId_IsAnErrorWithStableId()
    {
        for (var i = 1; i <= 9; i++)
        {
            var id = $"FG{i:000}";
            var descriptor = DiagnosticDescriptors.Get(id);
            Assert.Equal(id, descriptor.Id);
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        }
    }

    private static Diagnostic AssertSingle(string json, string id, int line)
    {
        var (result, _) = GeneratorHarness.Run(json);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(GeneratorHarness.DefinitionPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(line, GeneratorHarness.Line(diagnostic));
        Assert.Empty(result.GeneratedSources);
        return diagnostic;
    }
}
