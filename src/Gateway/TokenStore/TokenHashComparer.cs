using FASTER.core;

namespace FastGateway.TokenStore;

/// <summary>
/// FASTER key comparer for <see cref="TokenHash"/>. Supplying our own comparer keeps FASTER off its
/// default-comparer path, which picks an implementation by reflection (trimming and Native AOT dislike it).
/// </summary>
internal sealed class TokenHashComparer : IFasterEqualityComparer<TokenHash>
{
    /// <summary>The shared instance (stateless).</summary>
    public static readonly TokenHashComparer Instance = new();

    /// <inheritdoc/>
    public long GetHashCode64(ref TokenHash k) => k.GetHashCode64();

    /// <inheritdoc/>
    public bool Equals(ref TokenHash k1, ref TokenHash k2) => k1.Equals(k2);
}
