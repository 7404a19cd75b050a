using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace FastGateway.Hosting;

/// <summary>
/// A small keyed collection (clients, users) held in memory and persisted as one JSON file under
/// <c>Storage:Path</c>; every change is written durably (<see cref="DurableFile"/>) before it is acknowledged.
/// </summary>
/// <remarks>
/// Entries change rarely and are read on every token request, so reads use an immutable snapshot that
/// writers replace under a lock (copy-on-write). The snapshot also carries a <c>ReadOnlySpan&lt;char&gt;</c>
/// alternate lookup (for <see cref="TryGetUtf8"/>, used on the validation hot path without allocating) and
/// the keys in ordinal order (for <see cref="Page"/>).
/// </remarks>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class DurableRegistry<T>
    where T : class
{
    private readonly string _path;
    private readonly Func<T, string> _key;
    private readonly JsonTypeInfo<List<T>> _typeInfo;
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

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
        var entries = new Dictionary<string, T>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var entry in DurableFile.ReadJson(path, typeInfo) ?? throw new InvalidDataException($"{path} is empty."))
            {
                entries[key(entry)] = entry;
            }
        }

        _snapshot = new Snapshot(entries);
    }

    private Dictionary<string, T> Entries => _snapshot.Entries;

    /// <summary>Number of entries.</summary>
    public int Count => Entries.Count;

    /// <summary>All entries, ordered by key.</summary>
    public IEnumerable<T> All => Entries.Values.OrderBy(_key, StringComparer.Ordinal);

    /// <summary>Finds an entry.</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out T? entry) => Entries.TryGetValue(key, out entry);

    /// <summary>
    /// Finds an entry by its key's UTF-8 bytes (as a token record stores client_id and owner) without allocating:
    /// the bytes are decoded into a stack buffer and looked up through the snapshot's span-keyed alternate lookup.
    /// </summary>
    /// <param name="utf8Key">The key, UTF-8, at most <see cref="TokenStore.TokenRecord.MaxIdentifierBytes"/> bytes (longer: not found).</param>
    /// <param name="entry">The entry when found.</param>
    public bool TryGetUtf8(ReadOnlySpan<byte> utf8Key, [NotNullWhen(true)] out T? entry)
    {
        entry = null;
        if (utf8Key.Length > TokenStore.TokenRecord.MaxIdentifierBytes)
        {
            return false;
        }

        // N UTF-8 bytes decode to at most N chars, so 64 chars (128 bytes of stack) always suffice.
        Span<char> chars = stackalloc char[TokenStore.TokenRecord.MaxIdentifierBytes];
        if (!Encoding.UTF8.TryGetChars(utf8Key, chars, out var length))
        {
            return false;
        }

        return _snapshot.Lookup.TryGetValue(chars[..length], out entry);
    }

    /// <summary>
    /// One page of entries in ordinal key order, for paged listing: the entries whose key sorts after
    /// <paramref name="after"/> (from the start when null), at most <paramref name="limit"/> of them.
    /// Stable under concurrent changes: a key is never returned twice, and keys added behind the cursor are skipped.
    /// </summary>
    /// <param name="after">The last key of the previous page, or null for the first page.</param>
    /// <param name="limit">Largest page size (1 or more).</param>
    /// <param name="nextAfter">The key to pass as <paramref name="after"/> for the next page; null when this page is the last.</param>
    public List<T> Page(string? after, int limit, out string? nextAfter)
    {
        var snapshot = _snapshot;
        var keys = snapshot.SortedKeys;
        var start = 0;
        if (after is not null)
        {
            var index = Array.BinarySearch(keys, after, StringComparer.Ordinal);
            start = index >= 0 ? index + 1 : ~index;
        }

        var end = Math.Min(keys.Length, start + limit);
        var page = new List<T>(end - start);
        for (var i = start; i < end; i++)
        {
            page.Add(snapshot.Entries[keys[i]]);
        }

        nextAfter = end < keys.Length && page.Count > 0 ? keys[end - 1] : null;
        return page;
    }

    /// <summary>Replaces an entry, durably, only if it is still <paramref name="expected"/> (optimistic concurrency for read-modify-write).</summary>
    /// <param name="expected">The entry as read (compared by reference).</param>
    /// <param name="replacement">The new entry; must have the same key.</param>
    /// <returns>false when the entry was changed or removed in the meantime.</returns>
    public bool TryReplace(T expected, T replacement)
    {
        var key = _key(expected);
        if (!string.Equals(key, _key(replacement), StringComparison.Ordinal))
        {
            throw new ArgumentException("The replacement must have the same key.", nameof(replacement));
        }

        lock (_writeLock)
        {
            if (!Entries.TryGetValue(key, out var current) || !ReferenceEquals(current, expected))
            {
                return false;
            }

            Commit(new Dictionary<string, T>(Entries, StringComparer.Ordinal) { [key] = replacement });
            return true;
        }
    }

    /// <summary>Adds a new entry, durably.</summary>
    /// <returns>false when the key is taken.</returns>
    public bool TryAdd(T entry)
    {
        lock (_writeLock)
        {
            if (Entries.ContainsKey(_key(entry)))
            {
                return false;
            }

            Commit(new Dictionary<string, T>(Entries, StringComparer.Ordinal) { [_key(entry)] = entry });
            return true;
        }
    }

    /// <summary>Adds or replaces an entry, durably.</summary>
    public void Upsert(T entry)
    {
        lock (_writeLock)
        {
            Commit(new Dictionary<string, T>(Entries, StringComparer.Ordinal) { [_key(entry)] = entry });
        }
    }

    /// <summary>Removes an entry, durably.</summary>
    /// <returns>false when there was none.</returns>
    public bool Remove(string key)
    {
        lock (_writeLock)
        {
            if (!Entries.ContainsKey(key))
            {
                return false;
            }

            var next = new Dictionary<string, T>(Entries, StringComparer.Ordinal);
            next.Remove(key);
            Commit(next);
            return true;
        }
    }

    private void Commit(Dictionary<string, T> next)
    {
        DurableFile.WriteJson(_path, [.. next.Values.OrderBy(_key, StringComparer.Ordinal)], _typeInfo);
        _snapshot = new Snapshot(next);
    }

    /// <summary>One immutable state of the registry, with the views readers need.</summary>
    private sealed class Snapshot
    {
        public Snapshot(Dictionary<string, T> entries)
        {
            Entries = entries;
            Lookup = entries.GetAlternateLookup<ReadOnlySpan<char>>();
            SortedKeys = [.. entries.Keys];
            Array.Sort(SortedKeys, StringComparer.Ordinal);
        }

        public Dictionary<string, T> Entries { get; }

        public Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

        public string[] SortedKeys { get; }
    }
}
