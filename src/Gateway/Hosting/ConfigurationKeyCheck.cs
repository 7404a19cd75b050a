using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using FastGateway.Generated;

namespace FastGateway.Hosting;

/// <summary>
/// Refuses keys inside the gateway's own sections (<see cref="ConfigurationSections"/>) that no option names, naming
/// the nearest known key (<c>unknown key 'OAuth:AccessTokenLifetme'; did you mean 'OAuth:AccessTokenLifetime'?</c>),
/// and values the binder could not convert (a word where a number goes, an enum value that does not exist).
/// </summary>
/// <remarks>
/// The known keys are the options types' public properties, walked at run time: nested objects, arrays and lists
/// (keys <c>0</c>, <c>1</c>, ...), dictionaries (any key). So a new option is known as soon as its property exists. The
/// configuration binder would otherwise ignore an unknown key silently, and a misspelt lifetime would keep its default.
/// Keys compare case-insensitively, as configuration does.
/// </remarks>
internal static class ConfigurationKeyCheck
{
    private const string PropertiesKept = "A type reached through a property (a nested options type, a list's element type) is listed in ConfigurationSections.Nested, which keeps its public properties; ConfigurationKeyCheckTests walks every such type and fails on one missing there.";

    /// <summary>Checks every section of <see cref="ConfigurationSections.All"/> present in <paramref name="configuration"/>.</summary>
    /// <param name="configuration">The gateway's configuration.</param>
    /// <param name="errors">Receives one message per problem.</param>
    /// <param name="unconvertible">Receives the path of every value the binder could not convert.</param>
    public static void Check(IConfiguration configuration, List<string> errors, HashSet<string> unconvertible)
    {
        foreach (var shape in ConfigurationSections.All)
        {
            var section = configuration.GetSection(shape.Path);
            if (!shape.PerApi)
            {
                CheckObject(section, shape.Type, errors, unconvertible);
                continue;
            }

            foreach (var entry in section.GetChildren())
            {
                if (!IsApiName(entry.Key))
                {
                    var nearest = EditDistance.Nearest(entry.Key, ApiNames());
                    errors.Add(nearest is null
                        ? $"unknown API '{entry.Key}' in '{entry.Path}'; the APIs of gateway.json are: {string.Join(", ", ApiNames())}"
                        : $"unknown API '{entry.Key}' in '{entry.Path}'; did you mean '{section.Path}:{nearest}'?");
                    continue;
                }

                CheckValue(entry, shape.Type, errors, unconvertible);
            }
        }
    }

    /// <summary>Checks <paramref name="node"/> against a property of type <paramref name="type"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = PropertiesKept)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = PropertiesKept)]
    private static void CheckValue(IConfigurationSection node, Type type, List<string> errors, HashSet<string> unconvertible)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            if (node.GetChildren().FirstOrDefault() is { } child)
            {
                errors.Add($"unknown key '{child.Path}': '{node.Path}' takes a single value");
            }
            else if (node.Value is { Length: > 0 } value && ConversionProblem(type, value) is { } problem)
            {
                errors.Add($"{node.Path} = '{value}' {problem}");
                unconvertible.Add(node.Path);
            }

            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var child in node.GetChildren())
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"unknown key '{child.Path}': '{node.Path}' is a list, its entries are numbered from 0 ('{node.Path}:0')");
                    continue;
                }

                CheckValue(child, element, errors, unconvertible);
            }

            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in node.GetChildren())
            {
                CheckValue(child, valueType, errors, unconvertible);
            }

            return;
        }

        CheckObject(node, type, errors, unconvertible);
    }

    private static void CheckObject(IConfigurationSection node, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, List<string> errors, HashSet<string> unconvertible)
    {
        var properties = Keys(type);
        if (properties.Length == 0)
        {
            // No options type has no keys: its properties were trimmed away (a nested type missing from
            // ConfigurationSections.Nested, which a test prevents). Fail open: refusing every key would stop the start.
            return;
        }

        foreach (var child in node.GetChildren())
        {
            var property = Array.Find(properties, p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is not null)
            {
                CheckValue(child, property.PropertyType, errors, unconvertible);
                continue;
            }

            if (IsSectionOfItsOwn(child.Path))
            {
                continue;
            }

            var nearest = EditDistance.Nearest(child.Key, properties.Select(p => p.Name));
            errors.Add(nearest is null
                ? $"unknown key '{child.Path}'; the keys of '{node.Path}' are: {string.Join(", ", properties.Select(p => p.Name))}"
                : $"unknown key '{child.Path}'; did you mean '{node.Path}:{nearest}'?");
        }
    }

    /// <summary>The properties that are configuration keys: public, readable, and settable or a complex value the binder fills in.</summary>
    internal static PropertyInfo[] Keys([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true } && (p.SetMethod is { IsPublic: true } || !IsScalar(p.PropertyType)))
            .Where(p => p.Name != "EqualityContract")];

    /// <summary>The element type of an array or list, else null.</summary>
    internal static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var definition
          && (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>))
            ? type.GetGenericArguments()[0]
            : null;

    /// <summary>The value type of a dictionary keyed by string, else null.</summary>
    internal static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
        && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    /// <summary>Whether a configuration value of <paramref name="type"/> is one string, not a section.</summary>
    internal static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);
    }

    /// <summary>Why the binder would refuse <paramref name="value"/> for <paramref name="type"/>, or null when it converts.</summary>
    private static string? ConversionProblem(Type type, string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out _) ? null : $"is not one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return type switch
        {
            _ when type == typeof(bool) => bool.TryParse(value, out _) ? null : "must be true or false",
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : "is not a whole number (from -2147483648 to 2147483647)",
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : "is not a whole number",
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, invariant, out _) ? null : "is not a number (e.g. 0.5)",
            _ => null,
        };
    }

    private static bool IsSectionOfItsOwn(string path)
    {
        foreach (var shape in ConfigurationSections.All)
        {
            if (string.Equals(shape.Path, path, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsApiName(string name)
    {
        foreach (var api in GatewayDefinition.Apis)
        {
            if (string.Equals(api.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> ApiNames() => GatewayDefinition.Apis.Select(api => api.Name);
}
