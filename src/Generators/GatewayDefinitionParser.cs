using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using FastGateway.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FastGateway.Generators;

/// <summary>
/// Reads and validates one <c>gateway.json</c> into a <see cref="GatewayModel"/>, reporting every problem as a
/// <see cref="DiagnosticInfo"/> that points at the offending value (line and column).
/// </summary>
/// <remarks>
/// The file is read with <see cref="Utf8JsonReader"/> over its UTF-8 bytes into a small tree that keeps each value's
/// byte offset; byte offsets become char offsets (and lines) only when a diagnostic is made. Comments are skipped.
/// </remarks>
internal sealed partial class GatewayDefinitionParser
{
    /// <summary>Most scopes a definition may declare: scope masks are <c>ulong</c>.</summary>
    public const int MaxScopes = 64;

    private static readonly string[] RootProperties = ["apis", "scopes"];
    private static readonly string[] ApiProperties = ["name", "displayName", "basePath", "apiScopes"];
    private static readonly string[] ApiRequired = ["name", "basePath", "apiScopes"];
    private static readonly string[] ApiScopeProperties = ["name", "description", "resources"];
    private static readonly string[] ApiScopeRequired = ["name", "resources"];
    private static readonly string[] ScopeProperties = ["name", "description", "apiScopes"];
    private static readonly string[] ScopeRequired = ["name", "apiScopes"];

    private readonly string _path;
    private readonly SourceText _text;
    private readonly byte[] _bytes;
    private readonly bool _ascii;
    private readonly List<DiagnosticInfo> _diagnostics = [];

    private GatewayDefinitionParser(string path, SourceText text)
    {
        _path = path;
        _text = text;
        var chars = text.ToString();
        _bytes = Encoding.UTF8.GetBytes(chars);
        _ascii = _bytes.Length == chars.Length;
    }

    /// <summary>Parses and validates one definition file.</summary>
    /// <param name="path">The file's path (used in diagnostics).</param>
    /// <param name="text">The file's text.</param>
    /// <param name="cancellationToken">Cancels the parse.</param>
    /// <returns>The model when the file is valid, else the diagnostics (the model is then <see langword="null"/>).</returns>
    public static DefinitionResult Parse(string path, SourceText text, CancellationToken cancellationToken)
    {
        var parser = new GatewayDefinitionParser(path, text);
        var model = parser.ParseDefinition(cancellationToken);
        return parser._diagnostics.Count == 0
            ? new DefinitionResult(path, model, EquatableArray<DiagnosticInfo>.Empty)
            : new DefinitionResult(path, null, new EquatableArray<DiagnosticInfo>(parser._diagnostics.ToArray()));
    }

    /// <summary>Creates a diagnostic that points at the start of a file (for problems with the file as a whole).</summary>
    /// <param name="descriptor">The descriptor.</param>
    /// <param name="path">The file's path.</param>
    /// <param name="args">Message arguments.</param>
    /// <returns>The diagnostic info.</returns>
    public static DiagnosticInfo FileDiagnostic(DiagnosticDescriptor descriptor, string path, params string[] args) =>
        new(descriptor.Id, path, 0, 0, 0, 0, 0, 0, new EquatableArray<string>(args));

    private GatewayModel? ParseDefinition(CancellationToken cancellationToken)
    {
        var root = ReadDocument();
        if (root is null)
        {
            return null;
        }

        if (root.Kind != JsonKind.Object)
        {
            Report(DiagnosticDescriptors.SchemaViolation, root, $"The root of gateway.json must be an object, not {root.KindName}");
            return null;
        }

        var properties = ReadProperties(root, "the root object", RootProperties, RootProperties);

        var apis = new List<ApiBuilder>();
        var apisByName = new Dictionary<string, ApiBuilder>(StringComparer.Ordinal);
        foreach (var item in GetArray(properties, "apis", "the root object"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ParseApi(item, apis, apisByName);
        }

        CheckBasePaths(apis);

        var scopes = new List<ScopeBuilder>();
        var scopeNames = new HashSet<string>(StringComparer.Ordinal);
        var scopeItems = GetArray(properties, "scopes", "the root object");
        for (var i = 0; i < scopeItems.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i == MaxScopes)
            {
                Report(DiagnosticDescriptors.TooManyScopes, scopeItems[i], scopeItems.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            ParseScope(scopeItems[i], i, scopes, scopeNames, apisByName);
        }

        if (_diagnostics.Count != 0)
        {
            return null;
        }

        return BuildModel(apis, scopes);
    }

    private void ParseApi(JsonNode node, List<ApiBuilder> apis, Dictionary<string, ApiBuilder> apisByName)
    {
        if (!ExpectKind(node, JsonKind.Object, "Each item of 'apis'"))
        {
            return;
        }

        var properties = ReadProperties(node, "an API", ApiProperties, ApiRequired);
        var name = GetString(properties, "name", "an API", out var nameNode);
        var owner = name is null ? "an API" : $"API '{name}'";
        var api = new ApiBuilder(name ?? string.Empty);
        if (name is not null && nameNode is not null)
        {
            if (!IsApiName(name))
            {
                Report(DiagnosticDescriptors.InvalidName, nameNode, $"API name '{name}' is invalid: it must match [a-z0-9][a-z0-9-_]*");
            }
            else if (apisByName.ContainsKey(name))
            {
                Report(DiagnosticDescriptors.InvalidName, nameNode, $"API name '{name}' is declared more than once");
            }
            else
            {
                apisByName.Add(name, api);
            }
        }

        api.DisplayName = GetString(properties, "displayName", owner, out _) ?? api.Name;
        var basePath = GetString(properties, "basePath", owner, out var basePathNode);
        if (basePath is not null && basePathNode is not null)
        {
            var error = ValidateBasePath(basePath);
            if (error is not null)
            {
                Report(DiagnosticDescriptors.InvalidName, basePathNode, $"Base path '{basePath}' of {owner} is invalid: {error}");
            }
            else
            {
                api.BasePath = basePath;
                api.BasePathNode = basePathNode;
            }
        }

        foreach (var scopeNode in GetArray(properties, "apiScopes", owner))
        {
            ParseApiScope(scopeNode, api, owner);
        }

        apis.Add(api);
    }

    private void ParseApiScope(JsonNode node, ApiBuilder api, string apiOwner)
    {
        if (!ExpectKind(node, JsonKind.Object, $"Each item of 'apiScopes' of {apiOwner}"))
        {
            return;
        }

        var properties = ReadProperties(node, $"an API scope of {apiOwner}", ApiScopeProperties, ApiScopeRequired);
        var name = GetString(properties, "name", $"an API scope of {apiOwner}", out var nameNode);
        var owner = name is null ? $"an API scope of {apiOwner}" : $"API scope '{name}' of {apiOwner}";
        _ = GetString(properties, "description", owner, out _);
        List<ResourceBuilder>? members = null;
        if (name is not null && nameNode is not null)
        {
            var error = ValidateApiScopeName(name);
            if (error is not null)
            {
                Report(DiagnosticDescriptors.InvalidName, nameNode, $"API scope name '{name}' of {apiOwner} is invalid: {error}");
            }
            else if (api.ScopeMembers.ContainsKey(name))
            {
                Report(DiagnosticDescriptors.InvalidName, nameNode, $"API scope '{name}' is declared more than once in {apiOwner}");
            }
            else
            {
                members = [];
                api.ScopeMembers.Add(name, members);
                api.ApiScopes.Add(name);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resourceNode in GetArray(properties, "resources", owner))
        {
            if (!ExpectKind(resourceNode, JsonKind.String, $"Each item of 'resources' of {owner}"))
            {
                continue;
            }

            var text = resourceNode.Text!;
            if (!TryParseResource(text, out var method, out var template, out var shape, out var error))
            {
                Report(DiagnosticDescriptors.MalformedResource, resourceNode, text, error!);
                continue;
            }

            var key = method + " " + template;
            if (!seen.Add(key))
            {
                Report(DiagnosticDescriptors.DuplicateResource, resourceNode, text, name ?? string.Empty, api.Name);
                continue;
            }

            var shapeKey = method + " " + shape;
            if (api.ResourcesByShape.TryGetValue(shapeKey, out var existing) && existing.Template != template)
            {
                Report(DiagnosticDescriptors.ConflictingRoute, resourceNode, text, existing.Text, api.Name);
                continue;
            }

            if (existing is null)
            {
                existing = new ResourceBuilder(text, method, template);
                api.ResourcesByShape.Add(shapeKey, existing);
                api.Resources.Add(existing);
            }

            if (name is not null && members is not null)
            {
                existing.ApiScopes.Add(name);
                members.Add(existing);
            }
        }
    }

    private void CheckBasePaths(List<ApiBuilder> apis)
    {
        for (var j = 0; j < apis.Count; j++)
        {
            var b = apis[j];
            if (b.BasePath is null)
            {
                continue;
            }

            for (var i = 0; i < j; i++)
            {
                var a = apis[i];
                if (a.BasePath is null)
                {
                    continue;
                }

                if (string.Equals(a.BasePath, b.BasePath, StringComparison.Ordinal))
                {
                    Report(DiagnosticDescriptors.InvalidName, b.BasePathNode!, $"Base path '{b.BasePath}' of API '{b.Name}' is already used by API '{a.Name}'");
                    break;
                }

                if (IsSegmentPrefix(a.BasePath, b.BasePath) || IsSegmentPrefix(b.BasePath, a.BasePath))
                {
                    Report(DiagnosticDescriptors.InvalidName, b.BasePathNode!, $"Base path '{b.BasePath}' of API '{b.Name}' overlaps base path '{a.BasePath}' of API '{a.Name}': one is a segment prefix of the other");
                    break;
                }
            }
        }
    }

    private void ParseScope(JsonNode node, int index, List<ScopeBuilder> scopes, HashSet<string> scopeNames, Dictionary<string, ApiBuilder> apisByName)
    {
        if (!ExpectKind(node, JsonKind.Object, "Each item of 'scopes'"))
        {
            return;
        }

        var properties = ReadProperties(node, "a scope", ScopeProperties, ScopeRequired);
        var name = GetString(properties, "name", "a scope", out var nameNode);
        var owner = name is null ? "a scope" : $"scope '{name}'";
        if (name is not null && nameNode is not null)
        {
            if (!IsScopeToken(name))
            {
                Report(DiagnosticDescriptors.InvalidName, nameNode, $"Scope name '{name}' is invalid: RFC 6749 section 3.3 allows one or more printable ASCII characters except space, '\"' and '\\'");
            }
            else if (!scopeNames.Add(name))
            {
                Report(DiagnosticDescriptors.InvalidName, nameNode, $"Scope '{name}' is declared more than once");
            }
        }

        var scope = new ScopeBuilder(name ?? string.Empty, GetString(properties, "description", owner, out _) ?? string.Empty);
        var mappings = GetArray(properties, "apiScopes", owner);
        if (mappings.Count == 0 && properties.TryGetValue("apiScopes", out var mappingsNode) && mappingsNode.Kind == JsonKind.Array)
        {
            Report(DiagnosticDescriptors.SchemaViolation, mappingsNode, $"Property 'apiScopes' of {owner} must list at least one API scope");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mapping in mappings)
        {
            if (!ExpectKind(mapping, JsonKind.String, $"Each item of 'apiScopes' of {owner}"))
            {
                continue;
            }

            var text = mapping.Text!;
            var slash = text.IndexOf('/');
            if (slash < 0
                || !apisByName.TryGetValue(text.Substring(0, slash), out var api)
                || !api.ScopeMembers.TryGetValue(text.Substring(slash + 1), out var members))
            {
                Report(DiagnosticDescriptors.UnknownScopeMappingTarget, mapping, name ?? string.Empty, text);
                continue;
            }

            if (seen.Add(text))
            {
                scope.ApiScopes.Add(text);
                if (index < MaxScopes)
                {
                    foreach (var resource in members)
                    {
                        resource.RequiredScopes |= 1UL << index;
                    }
                }
            }
        }

        scopes.Add(scope);
    }

    private static GatewayModel BuildModel(List<ApiBuilder> apis, List<ScopeBuilder> scopes)
    {
        var apiModels = new ApiModel[apis.Count];
        var resources = new List<ResourceModel>();
        for (var i = 0; i < apis.Count; i++)
        {
            var api = apis[i];
            apiModels[i] = new ApiModel(api.Name, api.DisplayName ?? api.Name, api.BasePath!, new EquatableArray<string>(api.ApiScopes.ToArray()));
            foreach (var resource in api.Resources)
            {
                resources.Add(new ResourceModel(i, resource.Method, resource.Template, new EquatableArray<string>(resource.ApiScopes.ToArray()), resource.RequiredScopes));
            }
        }

        var scopeModels = new ScopeModel[scopes.Count];
        for (var i = 0; i < scopes.Count; i++)
        {
            scopeModels[i] = new ScopeModel(scopes[i].Name, scopes[i].Description, new EquatableArray<string>(scopes[i].ApiScopes.ToArray()));
        }

        return new GatewayModel(
            new EquatableArray<ApiModel>(apiModels),
            new EquatableArray<ResourceModel>(resources.ToArray()),
            new EquatableArray<ScopeModel>(scopeModels));
    }

    private JsonNode? ReadDocument()
    {
        var reader = new Utf8JsonReader(_bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            reader.Read();
            var root = ReadValue(ref reader);
            while (reader.Read())
            {
                // Reading past the root value throws when anything but whitespace or comments follows it.
            }

            return root;
        }
        catch (JsonException ex)
        {
            var offset = ByteOffsetOfLine((int)(ex.LineNumber ?? 0)) + (int)(ex.BytePositionInLine ?? 0);
            offset = Math.Min(offset, _bytes.Length);
            var message = ex.Message;
            var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (suffix > 0)
            {
                message = message.Substring(0, suffix);
            }

            Report(DiagnosticDescriptors.InvalidJson, offset, offset < _bytes.Length ? 1 : 0, message);
            return null;
        }
    }

    private int ByteOffsetOfLine(int line)
    {
        var offset = 0;
        for (var current = 0; current < line && offset < _bytes.Length; offset++)
        {
            if (_bytes[offset] == (byte)'\n')
            {
                current++;
            }
        }

        return offset;
    }

    /// <summary>
    /// Indexes an object's properties, reporting unknown, duplicate and missing required ones (FG008).
    /// </summary>
    private Dictionary<string, JsonNode> ReadProperties(JsonNode node, string owner, string[] allowed, string[] required)
    {
        var result = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var property in node.Properties!)
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                Report(
                    DiagnosticDescriptors.SchemaViolation,
                    property.NameStart,
                    property.NameLength,
                    $"Unknown property '{property.Name}' in {owner}; the properties are: {string.Join(", ", allowed)}");
            }
            else if (result.ContainsKey(property.Name))
            {
                Report(DiagnosticDescriptors.SchemaViolation, property.NameStart, property.NameLength, $"Property '{property.Name}' appears more than once in {owner}");
            }
            else
            {
                result.Add(property.Name, property.Value);
            }
        }

        foreach (var name in required)
        {
            if (!result.ContainsKey(name))
            {
                Report(DiagnosticDescriptors.SchemaViolation, node, $"Required property '{name}' is missing in {owner}");
            }
        }

        return result;
    }

    private string? GetString(Dictionary<string, JsonNode> properties, string name, string owner, out JsonNode? node)
    {
        if (!properties.TryGetValue(name, out node))
        {
            return null;
        }

        if (!ExpectKind(node, JsonKind.String, $"Property '{name}' of {owner}"))
        {
            node = null;
            return null;
        }

        return node.Text;
    }

    private List<JsonNode> GetArray(Dictionary<string, JsonNode> properties, string name, string owner) =>
        properties.TryGetValue(name, out var node) && ExpectKind(node, JsonKind.Array, $"Property '{name}' of {owner}")
            ? node.Items!
            : [];

    private bool ExpectKind(JsonNode node, JsonKind kind, string what)
    {
        if (node.Kind == kind)
        {
            return true;
        }

        var expected = kind switch
        {
            JsonKind.Object => "an object",
            JsonKind.Array => "an array",
            _ => "a string",
        };
        Report(DiagnosticDescriptors.SchemaViolation, node, $"{what} must be {expected}, not {node.KindName}");
        return false;
    }

    private void Report(DiagnosticDescriptor descriptor, JsonNode node, params string[] args) =>
        Report(descriptor, node.Start, node.Length, args);

    private void Report(DiagnosticDescriptor descriptor, int byteStart, int byteLength, params string[] args)
    {
        var start = CharOffset(byteStart);
        var end = CharOffset(Math.Min(byteStart + byteLength, _bytes.Length));
        var span = new TextSpan(start, end - start);
        var lines = _text.Lines.GetLinePositionSpan(span);
        _diagnostics.Add(new DiagnosticInfo(
            descriptor.Id,
            _path,
            span.Start,
            span.Length,
            lines.Start.Line,
            lines.Start.Character,
            lines.End.Line,
            lines.End.Character,
            new EquatableArray<string>(args)));
    }

    private int CharOffset(int byteOffset) => _ascii ? byteOffset : Encoding.UTF8.GetCharCount(_bytes, 0, byteOffset);

    /// <summary>Mutable state of one API while the file is read.</summary>
    private sealed class ApiBuilder(string name)
    {
        public string Name { get; } = name;

        public string? DisplayName { get; set; }

        public string? BasePath { get; set; }

        public JsonNode? BasePathNode { get; set; }

        public List<string> ApiScopes { get; } = [];

        public Dictionary<string, List<ResourceBuilder>> ScopeMembers { get; } = new(StringComparer.Ordinal);

        public List<ResourceBuilder> Resources { get; } = [];

        public Dictionary<string, ResourceBuilder> ResourcesByShape { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Mutable state of one resource while the file is read.</summary>
    private sealed class ResourceBuilder(string text, string method, string template)
    {
        public string Text { get; } = text;

        public string Method { get; } = method;

        public string Template { get; } = template;

        public List<string> ApiScopes { get; } = [];

        public ulong RequiredScopes { get; set; }
    }

    /// <summary>Mutable state of one scope while the file is read.</summary>
    private sealed class ScopeBuilder(string name, string description)
    {
        public string Name { get; } = name;

        public string Description { get; } = description;

        public List<string> ApiScopes { get; } = [];
    }
}
