using FastGateway.Contracts;

namespace FastGateway.Generators.Tests;

public sealed class GatewayDefinitionMatchTests
{
    private const ulong View = 1UL << 0;
    private const ulong Book = 1UL << 1;
    private const ulong Cancel = 1UL << 2;

    private static readonly Lazy<GeneratedDefinition> TimeTravels = new(() => GeneratorHarness.Load(GeneratorHarness.ReadTestData("gateway.json")));

    /// <summary>Literals next to parameters, an API root resource and a multi-segment base path.</summary>
    private const string Specific = """
        {
          "apis": [
            {
              "name": "shop",
              "basePath": "/v1/shop",
              "apiScopes": [
                { "name": "Read", "resources": [ "GET /", "GET /bookings/latest", "GET /bookings/{id}", "GET /bookings/{id}/lines/{line}", "GET /bookings/{id}/lines/first" ] },
                { "name": "Write", "resources": [ "POST /bookings/latest", "DELETE /bookings/{id}", "GET /bookings/latest" ] }
              ]
            },
            { "name": "other", "basePath": "/v1/other", "apiScopes": [ { "name": "All", "resources": [ "HEAD /x" ] } ] }
          ],
          "scopes": [
            { "name": "read", "apiScopes": [ "shop/Read" ] },
            { "name": "write", "apiScopes": [ "shop/Write" ] }
          ]
        }
        """;

    private static readonly Lazy<GeneratedDefinition> SpecificDefinition = new(() => GeneratorHarness.Load(Specific));

    [Theory]
    [InlineData(HttpMethodKind.Get, "/timetravels/bookings", "/bookings", View)]
    [InlineData(HttpMethodKind.Get, "/timetravels/bookings/42", "/bookings/{id}", View)]
    [InlineData(HttpMethodKind.Post, "/timetravels/bookings", "/bookings", Book)]
    [InlineData(HttpMethodKind.Delete, "/timetravels/bookings/7", "/bookings/{id}", Cancel)]
    public void Match_TimeTravelsResource_MatchedWithScopes(HttpMethodKind method, string path, string template, ulong scopes)
    {
        var definition = TimeTravels.Value;

        var match = definition.Match(method, path);

        Assert.Equal(RouteMatchStatus.Matched, match.Status);
        Assert.Equal(0, match.ApiIndex);
        Assert.Equal(scopes, match.RequiredScopes);
        Assert.Equal("/timetravels".Length, match.BasePathLength);
        var resource = definition.Resources[match.ResourceIndex];
        Assert.Equal(method, resource.Method);
        Assert.Equal(template, resource.PathTemplate);
        Assert.Equal(scopes, resource.RequiredScopes);
    }

    [Theory]
    [InlineData(HttpMethodKind.Put, "/timetravels/bookings")]
    [InlineData(HttpMethodKind.Get, "/timetravels/bookings/")]
    [InlineData(HttpMethodKind.Get, "/timetravels/bookings/1/2")]
    [InlineData(HttpMethodKind.Get, "/timetravels")]
    [InlineData(HttpMethodKind.Get, "/timetravels/")]
    [InlineData(HttpMethodKind.Get, "/timetravels//bookings")]
    [InlineData(HttpMethodKind.Head, "/timetravels/bookings")]
    [InlineData(HttpMethodKind.Unknown, "/timetravels/bookings")]
    [InlineData(HttpMethodKind.Get, "/timetravels/Bookings")]
    public void Match_UnderBasePathWithoutResource_NoResource(HttpMethodKind method, string path)
    {
        var match = TimeTravels.Value.Match(method, path);

        Assert.Equal(RouteMatchStatus.NoResource, match.Status);
        Assert.Equal(0, match.ApiIndex);
        Assert.Equal(-1, match.ResourceIndex);
        Assert.Equal(0UL, match.RequiredScopes);
        Assert.Equal("/timetravels".Length, match.BasePathLength);
    }

    [Theory]
    [InlineData("/timetravelsX/bookings")]
    [InlineData("/timetravelsX")]
    [InlineData("/other")]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("timetravels/bookings")]
    [InlineData("//timetravels/bookings")]
    [InlineData("/TimeTravels/bookings")]
    public void Match_OutsideEveryBasePath_NoApi(string path)
    {
        var match = TimeTravels.Value.Match(HttpMethodKind.Get, path);

        Assert.Equal(RouteMatchStatus.NoApi, match.Status);
        Assert.Equal(-1, match.ApiIndex);
        Assert.Equal(-1, match.ResourceIndex);
        Assert.Equal(0UL, match.RequiredScopes);
        Assert.Equal(0, match.BasePathLength);
    }

    [Theory]
    [InlineData("view", 0)]
    [InlineData("book", 1)]
    [InlineData("cancel", 2)]
    public void TryGetScopeBit_DeclaredScope_ReturnsItsBit(string name, int expected)
    {
        Assert.True(TimeTravels.Value.TryGetScopeBit(name, out var bit));
        Assert.Equal(expected, bit);
        Assert.Equal(name, TimeTravels.Value.Scopes[bit].Name);
    }

    [Theory]
    [InlineData("View")]
    [InlineData("")]
    [InlineData("viewx")]
    public void TryGetScopeBit_UnknownScope_ReturnsFalse(string name)
    {
        Assert.False(TimeTravels.Value.TryGetScopeBit(name, out var bit));
        Assert.Equal(-1, bit);
    }

    [Fact]
    public void Constants_TimeTravels_DescribeThreeScopes()
    {
        var definition = TimeTravels.Value;

        Assert.Equal(3, definition.Constant<int>("ScopeCount"));
        Assert.Equal(0x7UL, definition.Constant<ulong>("AllScopes"));
        Assert.Equal(Fnv1a("view\nbook\ncancel"), definition.Constant<uint>("ScopeSchemaId"));
        var api = Assert.Single(definition.Apis);
        Assert.Equal(new ApiDescriptor("timetravels", "Time travels", "/timetravels", api.ApiScopes), api);
        Assert.Equal(["ViewTickets", "BookTickets", "CancelTickets"], api.ApiScopes);
        Assert.Equal(4, definition.Resources.Count);
        Assert.Equal(["timetravels/ViewTickets"], definition.Scopes[0].ApiScopes);
        Assert.Equal("See your bookings", definition.Scopes[0].Description);
    }

    [Theory]
    [InlineData(HttpMethodKind.Get, "/v1/shop/bookings/latest", "/bookings/latest")]
    [InlineData(HttpMethodKind.Post, "/v1/shop/bookings/latest", "/bookings/latest")]
    [InlineData(HttpMethodKind.Get, "/v1/shop/bookings/latest2", "/bookings/{id}")]
    [InlineData(HttpMethodKind.Delete, "/v1/shop/bookings/latest", "/bookings/{id}")]
    [InlineData(HttpMethodKind.Get, "/v1/shop/bookings/latest/lines/first", "/bookings/{id}/lines/first")]
    [InlineData(HttpMethodKind.Get, "/v1/shop/bookings/latest/lines/3", "/bookings/{id}/lines/{line}")]
    [InlineData(HttpMethodKind.Get, "/v1/shop", "/")]
    [InlineData(HttpMethodKind.Get, "/v1/shop/", "/")]
    [InlineData(HttpMethodKind.Head, "/v1/other/x", "/x")]
    public void Match_LiteralAndParameterAtSamePosition_MostLiteralTemplateWins(HttpMethodKind method, string path, string template)
    {
        var definition = SpecificDefinition.Value;

        var match = definition.Match(method, path);

        Assert.Equal(RouteMatchStatus.Matched, match.Status);
        Assert.Equal(template, definition.Resources[match.ResourceIndex].PathTemplate);
        Assert.Equal(method, definition.Resources[match.ResourceIndex].Method);
        Assert.Equal(definition.Apis[match.ApiIndex].BasePath.Length, match.BasePathLength);
    }

    [Fact]
    public void Match_ResourceInTwoApiScopes_RequiresEitherScope()
    {
        var definition = SpecificDefinition.Value;

        var match = definition.Match(HttpMethodKind.Get, "/v1/shop/bookings/latest");

        Assert.Equal(0b11UL, match.RequiredScopes);
        Assert.Equal(["Read", "Write"], definition.Resources[match.ResourceIndex].ApiScopes);
    }

    [Fact]
    public void Match_ResourceNoScopeMapsTo_RequiresNoScopeBits()
    {
        var match = SpecificDefinition.Value.Match(HttpMethodKind.Head, "/v1/other/x");

        Assert.Equal(RouteMatchStatus.Matched, match.Status);
        Assert.Equal(0UL, match.RequiredScopes);
    }

    [Theory]
    [InlineData("/v1")]
    [InlineData("/v1/")]
    [InlineData("/v1/shopping")]
    public void Match_PrefixOfMultiSegmentBasePath_NoApi(string path)
    {
        Assert.Equal(RouteMatchStatus.NoApi, SpecificDefinition.Value.Match(HttpMethodKind.Get, path).Status);
    }

    [Fact]
    public void Match_DefinitionWithoutApis_CompilesAndReturnsNoApi()
    {
        var definition = GeneratorHarness.Load("""{ "apis": [], "scopes": [] }""");

        Assert.Equal(RouteMatchStatus.NoApi, definition.Match(HttpMethodKind.Get, "/x").Status);
        Assert.Equal(0, definition.Constant<int>("ScopeCount"));
        Assert.Equal(0UL, definition.Constant<ulong>("AllScopes"));
        Assert.False(definition.TryGetScopeBit("x", out _));
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }
}
