using FastGateway.Clients;
using FastGateway.Hosting;
using FastGateway.TokenStore;
using FastGateway.Users;

namespace FastGateway.Validation;

/// <summary>
/// Whether a stored token is still backed by what issued it: its grant lineage, its client and its owner.
/// The one place this rule lives; the validation hot path (<see cref="AccessValidator"/>), introspection
/// (<c>active:false</c>) and the refresh-token and authorization-code grants (<c>invalid_grant</c>) all call it.
/// </summary>
/// <remarks>
/// <code>
/// token record ──► client_id (UTF-8) ──► clients registry: registered? not suspended? token issued at or after client_id_issued_at?
///              ──► owner (UTF-8), if any ──► users registry: registered? token issued at or after created_at?
///              ──► FasterTokenStore.IsGrantFamilyActive (one extra lookup for user grants)
/// </code>
/// <para>
/// This is what makes deleting or suspending a client, and deleting a user, take effect at once without
/// scanning or rewriting the token store: the tokens stay in FASTER (the expiry sweep removes them later)
/// but nothing accepts them. The issue-time comparison keeps a deleted client's or user's tokens dead when
/// the same client_id or username is registered again (the registries keep second resolution, so a
/// re-registration within the same second as the old token's issue would not be told apart).
/// </para>
/// <para>
/// Allocation-free: the registries are looked up from the record's UTF-8 bytes through a
/// <c>ReadOnlySpan&lt;char&gt;</c> alternate lookup (<see cref="DurableRegistry{T}.TryGetUtf8"/>).
/// </para>
/// </remarks>
internal sealed class TokenStanding(FasterTokenStore store, DurableRegistry<OAuthClient> clients, DurableRegistry<ResourceOwner> users)
{
    /// <summary>Whether <paramref name="token"/>'s client, owner and grant lineage still stand.</summary>
    /// <param name="token">A token record read from the store (any kind: access, refresh, code).</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    /// <exception cref="FASTER.core.FasterException">FASTER failed the family read (I/O error on the log).</exception>
    public bool IsActive(in TokenRecord token) => IsActive(token, out _);

    /// <summary>
    /// As <see cref="IsActive(in TokenRecord)"/>, also giving the client and owner: the registry entries' own, so the
    /// hot path gets them (the client's scope mask and quota included) without decoding or allocating again.
    /// </summary>
    /// <param name="token">A token record read from the store.</param>
    /// <param name="identity">The client_id and owner, when true.</param>
    public bool IsActive(in TokenRecord token, out TokenIdentity identity)
    {
        identity = default;
        if (!clients.TryGetUtf8(token.ClientIdUtf8, out var client) || client.Suspended || token.IssuedAt < client.ClientIdIssuedAt)
        {
            return false;
        }

        ResourceOwner? user = null;
        if (!token.OwnerUtf8.IsEmpty && (!users.TryGetUtf8(token.OwnerUtf8, out user) || token.IssuedAt < user.CreatedAt))
        {
            return false;
        }

        identity = new TokenIdentity(client, user?.Username);
        return store.IsGrantFamilyActive(token);
    }
}

/// <summary>Who a token speaks for: its client (the registry's current entry) and, for user grants, its owner (username).</summary>
/// <param name="Client">The client the token was issued to, as registered now (its scope and quota apply).</param>
/// <param name="Owner">The resource owner, or null (client credentials).</param>
internal readonly record struct TokenIdentity(OAuthClient Client, string? Owner)
{
    /// <summary>The client's client_id.</summary>
    public string ClientId => Client.ClientId;
}
