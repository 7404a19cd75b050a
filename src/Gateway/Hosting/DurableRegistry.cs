using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace FastGateway.Hosting;

/// <summary>
/// A small keyed collection (clients, users) held in memory and persisted as one JSON file under
/// <c>Storage:Path</c>; every change is written durably (<see cref="DurableFile"/>) before it is acknowledged.
/// </summary>
/// <remarks>
/// Entries change rarely and are read on every token request, so reads use an immutable snapshot that
/// writers replace under a lock (copy-on-write).
/// </remarks>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class DurableRegistry<T>
    where T : class
{
    private readonly string _path;
    private readonly Func<T, string> _key;
    private readonly JsonTypeInfo<List<T>> _typeInfo;
    private readonly Lock _writeLock = new();
    private volatile Dictionary<string, T> _entries;

    /// <summary>Loads the file (empty when it does not exist yet).</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="key">The entry's key (ordinal comparison).</param>
    /// <param name="typeInfo">Source-generated metadata for the file's list of entries.</param>
    /// <exception cref="InvalidDataException">The file exists but is not valid.</exception>
    public DurableRegistry(string path, Func<T, string> key, JsonTypeInfo<List<T>> typeInfo)
    {
        _path = path;
        _key = key;
        _typeInfo = typeInfo;
        _entries = new Dictionary<string, T>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var entry in DurableFile.ReadJson(path, typeInfo) ?? throw new InvalidDataException($"{path} is empty."))
            {
                _entries[key(entry)] = entry;
            }
        }
    }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>All entries, ordered by key.</summary>
    public IEnumerable<T> All => _entries.Values.OrderBy(_key, StringComparer.Ordinal);

    /// <summary>Finds an entry.</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out T? entry) => _entries.TryGetValue(key, out entry);

    /// <summary>Adds a new entry, durably.</summary>
    /// <returns>false when the key is taken.</returns>
    public bool TryAdd(T entry)
    {
        lock (_writeLock)
        {
            if (_entries.ContainsKey(_key(entry)))
            {
                return false;
            }

            Commit(new Dictionary<string, T>(_entries, StringComparer.Ordinal) { [_key(entry)] = entry });
            return true;
        }
    }

    /// <summary>Adds or replaces an entry, durably.</summary>
    public void Upsert(T entry)
    {
        lock (_writeLock)
        {
            Commit(new Dictionary<string, T>(_entries, StringComparer.Ordinal) { [_key(entry)] = entry });
        }
    }

    /// <summary>Removes an entry, durably.</summary>
    /// <returns>false when there was none.</returns>
    public bool Remove(string key)
    {
        lock (_writeLock)
        {
            if (!_entries.ContainsKey(key))
            {
                return false;
            }

            var next = new Dictionary<string, T>(_entries, StringComparer.Ordinal);
            next.Remove(key);
            Commit(next);
            return true;
        }
    }

    private void Commit(Dictionary<string, T> next)
    {
        DurableFile.WriteJson(_path, [.. next.Values.OrderBy(_key, StringComparer.Ordinal)], _typeInfo);
        _entries = next;
    }
}
