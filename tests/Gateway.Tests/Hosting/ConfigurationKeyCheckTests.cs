using FastGateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace FastGateway.Tests.Hosting;

/// <summary>The key check's walk over the options types, its suggestions, and what Native AOT needs of the types.</summary>
public sealed class ConfigurationKeyCheckTests
{
    [Fact]
    public void EveryTypeReachedThroughAProperty_KeepsItsPropertiesUnderTrimming()
    {
        // A nested options type missing from ConfigurationSections.Nested has no property metadata in the native binary:
        // there, its unknown keys would go unnoticed.
        var missing = new List<string>();
        var seen = new HashSet<Type>();
        foreach (var shape in ConfigurationSections.All)
        {
            foreach (var property in ConfigurationKeyCheck.Keys(shape.Type))
            {
                Visit(property.PropertyType, $"{shape.Path}:{property.Name}");
            }
        }

        Assert.Empty(missing);
        Assert.Contains(typeof(FastGateway.Proxy.PathPolicyOptions), seen);
        Assert.Contains(typeof(BootstrapRateLimitOptions), seen);

        void Visit(Type type, string path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (ConfigurationKeyCheck.IsScalar(type) || !seen.Add(type))
            {
                return;
            }

            if ((ConfigurationKeyCheck.ElementType(type) ?? ConfigurationKeyCheck.DictionaryValueType(type)) is { } inner)
            {
                Visit(inner, path + ":N");
                return;
            }

            if (!ConfigurationSections.Nested.Contains(type))
            {
                missing.Add($"{path} ({type.Name})");
            }

            foreach (var property in ConfigurationKeyCheck.Keys(type))
            {
                Visit(property.PropertyType, $"{path}:{property.Name}");
            }
        }
    }

    [Fact]
    public void Check_EveryKeyOfTheShippedAppsettings_IsKnown()
    {
        var problems = Check(new ConfigurationBuilder().AddJsonFile(FastGateway.Tests.Infrastructure.ExternalTool.BuildOutput("src/Gateway", "appsettings.json"), optional: false).Build());

        Assert.Empty(problems);
    }

    [Fact]
    public void Check_ListAndDictionaryKeys()
    {
        var problems = Check(new Dictionary<string, string?>
        {
            ["Bootstrap:Clients:0:ClientId"] = "a",
            ["Bootstrap:Clients:first:ClientId"] = "b",
            ["Bootstrap:Users:0:Username"] = "alice",
            ["Bootstrap:Users:0:Pasword"] = "x",
            ["Proxy:StripRequestFields:0"] = "X-Debug",
            ["ForwardedHeaders:KnownProxies"] = "10.0.0.1, 10.0.0.2",
            ["Throttling:Hashing:MaxConcurent"] = "2",
            ["Logging:Anything"] = "is not ours",
        });

        Assert.Equal(
        [
            "unknown key 'Throttling:Hashing:MaxConcurent'; did you mean 'Throttling:Hashing:MaxConcurrent'?",
            "unknown key 'Bootstrap:Clients:first': 'Bootstrap:Clients' is a list, its entries are numbered from 0 ('Bootstrap:Clients:0')",
            "unknown key 'Bootstrap:Users:0:Pasword'; did you mean 'Bootstrap:Users:0:Password'?",
        ], problems);
    }

    [Fact]
    public void Check_NameFarFromEveryKey_ListsTheKnownKeysInstead()
    {
        var problems = Check(new Dictionary<string, string?> { ["Admin:Colour"] = "blue" });

        Assert.Equal(["unknown key 'Admin:Colour'; the keys of 'Admin' are: ApiKey, Urls"], problems);
    }

    [Theory]
    [InlineData("ApigeeResponse", "ApigeeResponseShape")]
    [InlineData("AccessTokenLifetme", "AccessTokenLifetime")]
    [InlineData("Issuers", "Issuer")]
    [InlineData("Colour", null)]
    [InlineData("Lifetime", null)]
    public void EditDistance_Nearest_SuggestsOnlyANearName(string name, string? expected) =>
        Assert.Equal(expected, EditDistance.Nearest(name, ["AccessTokenLifetime", "AuthorizationCodeLifetime", "Issuer", "ApigeeResponseShape", "ApiKey"]));

    [Theory]
    [InlineData("AccessTokenLifetme", "AccessTokenLifetime", 1)]
    [InlineData("AccessTokenLifeitme", "AccessTokenLifetime", 1)]
    [InlineData("accesstokenlifetime", "AccessTokenLifetime", 0)]
    [InlineData("", "Path", 4)]
    [InlineData("Timeout", "IdleTimeout", 4)]
    public void EditDistance_InsertionsDeletionsSubstitutionsAndSwaps(string a, string b, int distance)
    {
        Assert.Equal(distance, EditDistance.Between(a, b));
        Assert.Equal(distance, EditDistance.Between(b, a));
    }

    private static List<string> Check(Dictionary<string, string?> values) =>
        Check(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static List<string> Check(IConfiguration configuration)
    {
        List<string> problems = [];
        ConfigurationKeyCheck.Check(configuration, problems, []);
        return problems;
    }
}
