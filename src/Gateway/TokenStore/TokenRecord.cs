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
    /// <summary>An authorization code (RFC 6749 section 4.1.2): single use, short-lived.</summary>
    AuthorizationCode = 3,
    /// <summary>
    /// A grant's lineage (one authorization or password grant and every token refreshed from it),
    /// stored under <see cref="TokenHash.ForFamily"/>. Revoking it revokes all of them at once.
    /// </summary>
    Family = 4,
}

/// <summary>Lifecycle state of a stored token.</summary>
internal enum TokenState : byte
{
    /// <summary>Valid until it expires.</summary>
    Active = 1,
    /// <summary>Revoked (RFC 7009); fails on the next request.</summary>
    Revoked = 2,
    /// <summary>Used up: an authorization code redeemed, or a refresh token rotated (see <see cref="TokenRecord.ConsumedAt"/>).</summary>
    Consumed = 3,
}

/// <summary>How an authorization code's PKCE challenge was made (RFC 7636 section 4.2).</summary>
internal enum CodeChallengeMethod : byte
{
    /// <summary>No PKCE on this code.</summary>
    None = 0,
    /// <summary><c>S256</c>: <see cref="TokenRecord.CodeChallenge"/> holds the decoded challenge, SHA-256 of the verifier.</summary>
    S256 = 1,
    /// <summary><c>plain</c>: <see cref="TokenRecord.CodeChallenge"/> holds SHA-256 of the challenge (= verifier).</summary>
    Plain = 2,
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

    /// <summary>Active, revoked or consumed.</summary>
    public TokenState State;

    /// <summary>PKCE method of an authorization code; <see cref="CodeChallengeMethod.None"/> otherwise.</summary>
    public CodeChallengeMethod CodeChallengeMethod;

    /// <summary>Refresh tokens: how many more times this lineage may be refreshed (webMethods refresh limit, counting down).</summary>
    public int RefreshUsesLeft;

    /// <summary>When the record was consumed (code redeemed, refresh token rotated), Unix seconds; 0 if not.</summary>
    public long ConsumedAt;

    /// <summary>The grant lineage this token belongs to; <see cref="FamilyId.None"/> for client-credentials tokens.</summary>
    public FamilyId FamilyId;

    /// <summary>Authorization codes: SHA-256 of the redirect_uri the code was issued for (RFC 6749 section 4.1.3 binding).</summary>
    public Sha256Value RedirectUriHash;

    /// <summary>Authorization codes: the PKCE challenge, 32 bytes (see <see cref="CodeChallengeMethod"/>).</summary>
    public Sha256Value CodeChallenge;

    /// <summary>
    /// <see cref="TokenKind.Family"/> records: the key of the grant's one usable refresh token, the last one issued
    /// (<c>TokenIssuer</c> sets it with each pair); default = none recorded (a grant from before it was kept: its
    /// refresh token stands alone). Kept in the bytes of <see cref="RedirectUriHash"/>, which only authorization codes
    /// use, so the record's size on disk is unchanged.
    /// </summary>
    public TokenHash CurrentRefreshToken
    {
        readonly get => Unsafe.BitCast<Sha256Value, TokenHash>(RedirectUriHash);
        set => RedirectUriHash = Unsafe.BitCast<TokenHash, Sha256Value>(value);
    }

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

    /// <summary>Whether the token is part of a grant lineage whose <see cref="TokenKind.Family"/> record must also be active.</summary>
    public readonly bool HasFamily => !FamilyId.IsNone;

    [InlineArray(MaxIdentifierBytes)]
    private struct IdentifierBuffer
    {
        private byte _element0;
    }
}
