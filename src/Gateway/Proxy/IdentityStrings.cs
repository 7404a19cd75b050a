using System.Collections.Concurrent;
using System.Text;

namespace FastGateway.Proxy;

/// <summary>
/// Turns the UTF-8 client_id / owner bytes of a stored token into strings for upstream headers,
/// reusing one string per distinct value so steady-state requests do not allocate.
/// </summary>
internal sealed class IdentityStrings
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates an empty cache.</summary>
    public IdentityStrings() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Returns the string for <paramref name="utf8"/> (at most 64 bytes).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        // 64 UTF-8 bytes decode to at most 64 chars.
        Span<char> chars = stackalloc char[TokenStore.TokenRecord.MaxIdentifierBytes];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        var text = chars[..length];
        if (_lookup.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var created = text.ToString();
        return _strings.Count < MaxEntries ? _strings.GetOrAdd(created, created) : created;
    }
}
