using System.Buffers.Text;
using System.Globalization;
using System.Text;
using FastGateway.Errors;

namespace FastGateway.Admin;

/// <summary>
/// Paging of admin lists: <c>?limit=</c> (default <see cref="DefaultLimit"/>, 1 to <see cref="MaxLimit"/>) and
/// <c>?cursor=</c>, an opaque value from the previous page's <c>next_cursor</c> (base64url of the last key
/// returned). Entries come in ordinal key order, so paging is stable while entries are added or removed.
/// </summary>
internal static class AdminPaging
{
    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 500;

    /// <summary>Reads <c>limit</c> and <c>cursor</c>; answers 400 itself when either is invalid.</summary>
    /// <returns>false when an error response was written.</returns>
    public static async Task<(bool Ok, int Limit, string? After)> ReadAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText)
            && (limitText.Count != 1 || !int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, $"limit must be a whole number from 1 to {MaxLimit}");
            return (false, 0, null);
        }

        string? after = null;
        if (query.TryGetValue("cursor", out var cursor))
        {
            if (cursor.Count != 1 || !TryDecode(cursor[0], out after))
            {
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "cursor is not valid: pass the next_cursor of the previous page unchanged");
                return (false, 0, null);
            }
        }

        return (true, limit, after);
    }

    /// <summary>The cursor for the page after the one that ended with <paramref name="lastKey"/>; null when there is none.</summary>
    public static string? Encode(string? lastKey) => lastKey is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    private static bool TryDecode(string? cursor, out string? key)
    {
        key = null;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 256 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        try
        {
            key = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
            return key.Length != 0;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
