namespace FastGateway.Hosting;

/// <summary>
/// The optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of one substring), ignoring
/// case: how many insertions, deletions, substitutions or swaps of two adjacent characters turn one string into the
/// other. Used to name the configuration key an operator probably meant; .NET ships none.
/// </summary>
internal static class EditDistance
{
    /// <summary>The distance between <paramref name="a"/> and <paramref name="b"/> (ordinal, case-insensitive), 0 when equal.</summary>
    public static int Between(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        // Three rows: the swap of adjacent characters looks two rows back.
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var best = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, previous2[j - 2] + 1);
                }

                current[j] = best;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The candidate nearest to <paramref name="name"/>, or null when none is near: within a third of the longer name's
    /// characters (at least 2 edits), or one name starting with the other (a truncated key), so an unrelated name is
    /// not suggested.
    /// </summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string? nearest = null;
        var best = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Between(name, candidate);
            var near = distance <= Math.Max(2, Math.Max(name.Length, candidate.Length) / 3)
                || (name.Length >= 3 && (candidate.StartsWith(name, StringComparison.OrdinalIgnoreCase) || name.StartsWith(candidate, StringComparison.OrdinalIgnoreCase)));
            if (near && distance < best)
            {
                (nearest, best) = (candidate, distance);
            }
        }

        return nearest;
    }
}
