namespace FastGateway.Users;

/// <summary>A resource owner (RFC 6749 section 1.1): a user who signs in and approves scopes. Persisted in <c>users.json</c>.</summary>
internal sealed record ResourceOwner
{
    /// <summary>The username (1-64 of A-Z a-z 0-9 . _ @ -); becomes the token's owner (<c>X-Owner</c>, introspection <c>username</c>).</summary>
    public required string Username { get; init; }

    /// <summary>The password hash in <see cref="PasswordHasher"/> format; never the password.</summary>
    public required string PasswordHash { get; init; }

    /// <summary>Creation time, Unix seconds. Tokens owned by this username but issued before it belonged to an earlier, deleted user and are refused.</summary>
    public long CreatedAt { get; init; }
}
