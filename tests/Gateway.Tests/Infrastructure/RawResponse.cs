using System.Text;
using System.Text.Json;

namespace FastGateway.Tests.Infrastructure;

/// <summary>One response read by <see cref="RawHttpClient"/>.</summary>
/// <param name="Status">The status code.</param>
/// <param name="StatusLine">The status line as received.</param>
/// <param name="Fields">Field lines in order.</param>
/// <param name="Body">The decoded body.</param>
/// <param name="Head">The head as received.</param>
public sealed record RawResponse(int Status, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Fields, byte[] Body, string Head)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Field(string name) => Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The "error" member of a JSON body, or null when the body is not such JSON.</summary>
    public string? JsonError
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("error", out var error)
                    && document.RootElement.TryGetProperty("error_description", out _)
                    ? error.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public override string ToString() => Head + BodyText;
}
