using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FastGateway.Generated;
using FastGateway.Hosting;
using FastGateway.Json;

namespace FastGateway.Scopes;

/// <summary>
/// Authorization-server scopes as bit masks over the generated scope table, and the history of that
/// table so tokens issued under an earlier <c>gateway.json</c> keep their exact scopes.
/// </summary>
/// <remarks>
/// Tokens store a mask plus the <see cref="GatewayDefinition.ScopeSchemaId"/> it was made under.
/// Every schema this data folder has seen is kept in <c>scope-schemas.json</c>; a token from an older
/// schema has its mask translated by scope name (names that no longer exist are dropped), once per
/// distinct (schema, mask) pair.
/// </remarks>
internal sealed class ScopeCatalog
{
    private const string FileName = "scope-schemas.json";
    private const int MaxCachedMasks = 4096;

    private readonly Dictionary<uint, string[]> _schemas;
    private readonly ConcurrentDictionary<ulong, string> _formatted = new();
    private readonly ConcurrentDictionary<(uint SchemaId, ulong Mask), ulong> _translated = new();

    private ScopeCatalog(Dictionary<uint, string[]> schemas) => _schemas = schemas;

    /// <summary>Loads the schema history from <paramref name="storagePath"/>, adding the current schema if new (written durably).</summary>
    /// <param name="storagePath">The <c>Storage:Path</c> folder (created if missing).</param>
    /// <exception cref="InvalidDataException">The history file exists but is not valid.</exception>
    public static ScopeCatalog Load(string storagePath)
    {
        var path = System.IO.Path.Combine(storagePath, FileName);
        var schemas = new Dictionary<uint, string[]>();
        if (File.Exists(path))
        {
            var document = DurableFile.ReadJson(path, GatewayJsonContext.Default.ScopeSchemaHistory)
                ?? throw new InvalidDataException($"{path} is empty.");
            foreach (var (id, names) in document.Schemas)
            {
                schemas[uint.Parse(id, NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = names;
            }
        }

        if (!schemas.ContainsKey(GatewayDefinition.ScopeSchemaId))
        {
            schemas[GatewayDefinition.ScopeSchemaId] = [.. GatewayDefinition.Scopes.Select(s => s.Name)];
            var document = new ScopeSchemaHistory(schemas.ToDictionary(p => p.Key.ToString("x8", CultureInfo.InvariantCulture), p => p.Value));
            DurableFile.WriteJson(path, document, GatewayJsonContext.Default.ScopeSchemaHistory);
        }

        return new ScopeCatalog(schemas);
    }

    /// <summary>Every scope's name, space-separated: the default allowance of a new client.</summary>
    public static string AllNames { get; } = string.Join(' ', GatewayDefinition.Scopes.Select(s => s.Name));

    /// <summary>
    /// Formats a mask as an RFC 6749 section 3.3 scope string ("view book"), in table order.
    /// Cached per mask, so the hot path does not allocate once a mask has been seen.
    /// </summary>
    public string Format(ulong mask)
    {
        if (_formatted.TryGetValue(mask, out var cached))
        {
            return cached;
        }

        var builder = new StringBuilder();
        var scopes = GatewayDefinition.Scopes;
        for (var bit = 0; bit < scopes.Count; bit++)
        {
            if ((mask & (1UL << bit)) != 0)
            {
                builder.Append(builder.Length == 0 ? "" : " ").Append(scopes[bit].Name);
            }
        }

        var text = builder.ToString();
        if (_formatted.Count < MaxCachedMasks)
        {
            _formatted.TryAdd(mask, text);
        }

        return text;
    }

    /// <summary>Parses a space-separated scope string (RFC 6749 section 3.3) into a mask.</summary>
    /// <param name="scope">The <c>scope</c> parameter; empty entries from repeated spaces are ignored.</param>
    /// <param name="mask">The scopes named.</param>
    /// <param name="unknown">The first name that is not a defined scope, when the result is false.</param>
    /// <returns>false when a name is unknown.</returns>
    public static bool TryParse(string scope, out ulong mask, out string? unknown)
    {
        mask = 0;
        foreach (var range in scope.AsSpan().Split(' '))
        {
            var name = scope.AsSpan(range);
            if (name.IsEmpty)
            {
                continue;
            }

            if (!GatewayDefinition.TryGetScopeBit(name, out var bit))
            {
                unknown = name.ToString();
                return false;
            }

            mask |= 1UL << bit;
        }

        unknown = null;
        return true;
    }

    /// <summary>Translates a mask stored under <paramref name="schemaId"/> into the current table's bits.</summary>
    /// <returns>The mask in current bits; 0 when the schema is unknown to this data folder.</returns>
    public ulong ToCurrent(ulong mask, uint schemaId)
    {
        if (schemaId == GatewayDefinition.ScopeSchemaId)
        {
            return mask;
        }

        return _translated.GetOrAdd((schemaId, mask), static (key, schemas) =>
        {
            if (!schemas.TryGetValue(key.SchemaId, out var names))
            {
                return 0;
            }

            ulong current = 0;
            for (var bit = 0; bit < names.Length; bit++)
            {
                if ((key.Mask & (1UL << bit)) != 0 && GatewayDefinition.TryGetScopeBit(names[bit], out var now))
                {
                    current |= 1UL << now;
                }
            }

            return current;
        }, _schemas);
    }
}

/// <summary>The persisted scope-schema history: schema id (8 hex digits) to scope names in bit order.</summary>
internal sealed record ScopeSchemaHistory(Dictionary<string, string[]> Schemas);
