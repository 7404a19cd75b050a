using System.Text.Json;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Apigee;

/// <summary>
/// Turns Apigee Edge app profiles into FastGateway client registrations, one per credential, keeping the consumer key
/// and secret unchanged so the apps need no change.
/// </summary>
/// <remarks>
/// <code>
/// file: one app {..} | [app, ...] | {"app": [app, ...]} (Apigee's ?expand=true listing)
///   app.credentials[i] ──► client_id = consumerKey, client_secret = consumerSecret, client_name = app.name,
///                          scope = credential scopes, else app scopes, else every scope (or --scope),
///                          client_secret_expires_at = expiresAt / 1000 (-1 = never; already expired = skipped),
///                          redirect_uris = [callbackUrl] when a browser grant is imported,
///                          suspended when the app or the credential is not "approved"
/// </code>
/// </remarks>
internal static class ApigeeImportPlan
{
    /// <summary>Reads the file's apps.</summary>
    /// <param name="json">The file's text.</param>
    /// <exception cref="UsageException">The file is not JSON, or no app profile is in it.</exception>
    public static List<ApigeeApp> ReadApps(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            var elements = root.ValueKind switch
            {
                JsonValueKind.Array => root.EnumerateArray().ToList(),
                JsonValueKind.Object when root.TryGetProperty("app", out var list) && list.ValueKind == JsonValueKind.Array => list.EnumerateArray().ToList(),
                JsonValueKind.Object => [root],
                _ => [],
            };
            var apps = new List<ApigeeApp>();
            foreach (var element in elements)
            {
                if (element.ValueKind == JsonValueKind.Object && element.Deserialize(ApigeeJsonContext.Default.ApigeeApp) is { } app)
                {
                    apps.Add(app);
                }
            }

            return apps.Count != 0 ? apps : throw new UsageException("no Apigee app profile in the file: expected an app {\"name\", \"credentials\": [...]}, an array of them, or {\"app\": [...]}");
        }
        catch (JsonException e)
        {
            throw new UsageException($"the file is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Plans the import of <paramref name="apps"/>.</summary>
    /// <param name="apps">The app profiles.</param>
    /// <param name="grantTypes">Grant types to register each client for.</param>
    /// <param name="scope">Scopes for every client (space-separated), overriding Apigee's; null keeps Apigee's.</param>
    /// <param name="authMethod">token_endpoint_auth_method: client_secret_basic or client_secret_post.</param>
    /// <param name="nowMilliseconds">The current time, Unix milliseconds (expired credentials are skipped).</param>
    public static List<ApigeeImportItem> Plan(IReadOnlyList<ApigeeApp> apps, IReadOnlyList<string> grantTypes, string? scope, string authMethod, long nowMilliseconds)
    {
        var browserGrant = grantTypes.Contains("authorization_code") || grantTypes.Contains("implicit");
        var items = new List<ApigeeImportItem>();
        foreach (var app in apps)
        {
            var appName = string.IsNullOrEmpty(app.Name) ? app.AppId ?? "-" : app.Name;
            foreach (var credential in app.Credentials ?? [])
            {
                if (string.IsNullOrEmpty(credential.ConsumerKey) || string.IsNullOrEmpty(credential.ConsumerSecret))
                {
                    items.Add(new ApigeeImportItem(Text(credential.ConsumerKey), appName, null, false, "no consumerKey or consumerSecret"));
                    continue;
                }

                var expiresAt = credential.ExpiresAt is { } milliseconds and > 0 ? milliseconds : -1;
                if (expiresAt > 0 && expiresAt <= nowMilliseconds)
                {
                    items.Add(new ApigeeImportItem(credential.ConsumerKey, appName, null, false, "expired in Apigee"));
                    continue;
                }

                var scopes = credential.Scopes is { Count: > 0 } own ? own : app.Scopes;
                var request = new ClientMetadataRequest(
                    credential.ConsumerKey,
                    appName,
                    scope ?? (scopes is { Count: > 0 } ? string.Join(' ', scopes) : null),
                    grantTypes,
                    browserGrant && !string.IsNullOrEmpty(app.CallbackUrl) ? [app.CallbackUrl] : null,
                    authMethod,
                    null,
                    null)
                {
                    ClientSecret = credential.ConsumerSecret,
                    // Rounded up, so the secret does not stop working before Apigee would have stopped it.
                    ClientSecretExpiresAt = expiresAt > 0 ? (expiresAt + 999) / 1000 : null,
                };
                var suspend = !IsApproved(app.Status) || !IsApproved(credential.Status);
                items.Add(new ApigeeImportItem(credential.ConsumerKey, appName, request, suspend, null));
            }
        }

        return items;
    }

    private static bool IsApproved(string? status) => status is null || string.Equals(status, "approved", StringComparison.OrdinalIgnoreCase);

    private static string Text(string? value) => string.IsNullOrEmpty(value) ? "-" : value;
}
