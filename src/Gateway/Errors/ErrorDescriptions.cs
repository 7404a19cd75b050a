namespace FastGateway.Errors;

/// <summary>
/// Keeps every <c>error_description</c> within RFC 6749's character set (sections 4.1.2.1, 4.2.2.1 and 5.2:
/// <c>%x20-21 / %x23-5B / %x5D-7E</c>, printable ASCII without <c>"</c> and <c>\</c>).
/// </summary>
/// <remarks>
/// The descriptions are the gateway's own fixed texts and never repeat a client's input; this is the last line of
/// defence, applied where every description leaves the process (<see cref="ErrorResponse"/>, the authorization
/// endpoint's error redirects and pages), so a text that slipped through cannot break a client's parser.
/// </remarks>
internal static class ErrorDescriptions
{
    /// <summary>Whether <paramref name="c"/> may appear in an <c>error_description</c>.</summary>
    public static bool IsAllowed(char c) => c is >= '\x20' and <= '\x7E' and not '"' and not '\\';

    /// <summary>
    /// The description with every character outside the set replaced: <c>"</c> by <c>'</c>, <c>\</c> by <c>/</c>,
    /// anything else (control characters, non-ASCII) by <c>?</c>. Returns the same instance when nothing changes.
    /// </summary>
    public static string Sanitize(string description)
    {
        var index = 0;
        while (index < description.Length && IsAllowed(description[index]))
        {
            index++;
        }

        if (index == description.Length)
        {
            return description;
        }

        return string.Create(description.Length, description, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                span[i] = IsAllowed(c) ? c : c switch
                {
                    '"' => '\'',
                    '\\' => '/',
                    _ => '?',
                };
            }
        });
    }
}
