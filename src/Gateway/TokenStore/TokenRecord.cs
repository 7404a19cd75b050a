using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace FastGateway.TokenStore;

/// <summary>What a stored token is.</summary>
internal enum TokenKind : byte
{
    /// <summary>An access token (RFC 6749 section 1.4).</summary>
    AccessToken = 1,
    /// <summary>A refresh token (RFC 6749 section 1.5).</summary>
    RefreshToken = 2,
}

/// <summary>Lifecycle state of a stored token.</summary>
internal enum TokenState : byte
{
    /// <summary>Valid until it expires.</summary>
    Active = 1,
    /// <summary>Revoked (RFC 7009); fails on the next request.</summary>
    Revoked = 2,
}

/// <summary>
/// The stored value for a token: fixed-size and blittable so FASTER keeps it in its log without
/// serializers or reflection (and so Native AOT and trimming stay clean).
/// </summary>
/// <remarks>
/// Scopes are a bit mask over the generated scope table, tagged with that table's
/// <see cref="ScopeSchemaId"/> so a token issued before <c>gateway.json</c> changed its scopes can
/// still be read correctly (see <c>ScopeCatalog</c>).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct TokenRecord
{
    /// <summary>Longest client_id or owner, in UTF-8 bytes.</summary>
    public const int MaxIdentifierBytes = 64;

    /// <summary>Sentinel for <see cref="ExpiresAt"/>: the token never expires (lifetime -1).</summary>
    public const long NeverExpires = long.MaxValue;

    /// <summary>Issue time, Unix seconds.</summary>
    public long IssuedAt;

    /// <summary>Expiry time, Unix seconds; <see cref="NeverExpires"/> for tokens that never expire.</summary>
    public long ExpiresAt;

    /// <summary>Granted authorization-server scopes, as bits of the generated scope table.</summary>
    public ulong Scopes;

    /// <summary>Which scope table <see cref="Scopes"/> refers to (the generated <c>ScopeSchemaId</c>).</summary>
    public uint ScopeSchemaId;

    /// <summary>Access or refresh token.</summary>
    public TokenKind Kind;

    /// <summary>Active or revoked.</summary>
    public TokenState State;

    private byte _clientIdLength;
    private byte _ownerLength;
    private IdentifierBuffer _clientId;
    private IdentifierBuffer _owner;

    /// <summary>The client_id as UTF-8.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> ClientIdUtf8 => ((ReadOnlySpan<byte>)_clientId)[.._clientIdLength];

    /// <summary>The resource owner (username) as UTF-8; empty when there is none (client credentials).</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> OwnerUtf8 => ((ReadOnlySpan<byte>)_owner)[.._ownerLength];

    /// <summary>The client_id as a string (allocates; not for the hot path).</summary>
    public readonly string ClientId => Encoding.UTF8.GetString(ClientIdUtf8);

    /// <summary>The owner as a string, or null when there is none (allocates; not for the hot path).</summary>
    public readonly string? Owner => _ownerLength == 0 ? null : Encoding.UTF8.GetString(OwnerUtf8);

    /// <summary>Whether the token is active at <paramref name="now"/> (Unix seconds).</summary>
    public readonly bool IsActiveAt(long now) => State == TokenState.Active && now < ExpiresAt;

    /// <summary>Builds a record.</summary>
    /// <exception cref="ArgumentException">client_id or owner is longer than <see cref="MaxIdentifierBytes"/> UTF-8 bytes.</exception>
    public static TokenRecord Create(TokenKind kind, string clientId, string? owner, ulong scopes, uint scopeSchemaId, long issuedAt, long expiresAt)
    {
        var record = new TokenRecord
        {
            Kind = kind,
            State = TokenState.Active,
            Scopes = scopes,
            ScopeSchemaId = scopeSchemaId,
            IssuedAt = issuedAt,
            ExpiresAt = expiresAt,
        };
        record._clientIdLength = Write(clientId, record._clientId, nameof(clientId));
        record._ownerLength = owner is null ? (byte)0 : Write(owner, record._owner, nameof(owner));
        return record;
    }

    private static byte Write(string value, Span<byte> destination, string name)
    {
        if (!Encoding.UTF8.TryGetBytes(value, destination, out var written))
        {
            throw new ArgumentException($"{name} is longer than {MaxIdentifierBytes} UTF-8 bytes.", name);
        }

        return (byte)written;
    }

    [InlineArray(MaxIdentifierBytes)]
    private struct IdentifierBuffer
    {
        private byte _element0;
    }
}
