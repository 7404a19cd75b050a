using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FastGateway.Cli.Api;

/// <summary>
/// A thin HTTP client for a running gateway's admin API (<c>/admin/v1</c>, <c>Authorization: Bearer</c> admin key).
/// Answers come back as <see cref="JsonElement"/> so <c>--json</c> can print them unchanged.
/// </summary>
/// <remarks>
/// Errors: a non-success answer throws <see cref="AdminApiException"/> with the gateway's <c>error</c> and
/// <c>error_description</c>; no answer at all throws <see cref="GatewayUnreachableException"/>. The admin key is only
/// ever put in the Authorization header, never in a message.
/// </remarks>
internal sealed class AdminApi : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client for the gateway at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The gateway's base URL, e.g. <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="adminKey">The value of the gateway's <c>Admin:ApiKey</c>.</param>
    /// <param name="timeout">Per-request timeout.</param>
    public AdminApi(Uri baseAddress, string adminKey, TimeSpan timeout)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Sends a request without a body.</summary>
    /// <returns>The JSON answer, or null for an empty one (204).</returns>
    public Task<JsonElement?> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(method, path), cancellationToken);

    /// <summary>Sends a request with a JSON body.</summary>
    /// <returns>The JSON answer, or null for an empty one (204).</returns>
    public Task<JsonElement?> SendAsync<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, typeInfo)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Reads every page of a paged list (<c>limit</c>, <c>cursor</c> / <c>next_cursor</c>) and returns the items of
    /// the array member <paramref name="member"/> of all pages, in order.
    /// </summary>
    /// <param name="path">The list path, with or without a query string.</param>
    /// <param name="member">The array member of each page, e.g. <c>clients</c>.</param>
    /// <param name="pageSize">The <c>limit</c> to ask for; null for the gateway's default.</param>
    /// <param name="cancellationToken">Stops paging.</param>
    public async Task<List<JsonElement>> GetAllPagesAsync(string path, string member, int? pageSize, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var basePath = pageSize is { } limit ? $"{path}{separator}limit={limit}" : path;
        separator = basePath.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        string? cursor = null;
        do
        {
            var pagePath = cursor is null ? basePath : $"{basePath}{separator}cursor={Uri.EscapeDataString(cursor)}";
            var page = await SendAsync(HttpMethod.Get, pagePath, cancellationToken)
                ?? throw new AdminApiException(200, "invalid_response", $"GET {path} answered without a body");
            if (!page.TryGetProperty(member, out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw new AdminApiException(200, "invalid_response", $"GET {path} answered without a '{member}' array");
            }

            foreach (var item in array.EnumerateArray())
            {
                items.Add(item);
            }

            cursor = page.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        return items;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<JsonElement?> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            byte[] body;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new GatewayUnreachableException(_http.BaseAddress!, e.Message, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new GatewayUnreachableException(_http.BaseAddress!, $"no answer within {_http.Timeout.TotalSeconds:0} seconds", e);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    throw ToException(status, response.ReasonPhrase, body);
                }

                if (body.Length == 0)
                {
                    return null;
                }

                try
                {
                    using var document = JsonDocument.Parse(body);
                    return document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    throw new AdminApiException(status, "invalid_response", "the answer is not JSON; does --url point at a FastGateway?");
                }
            }
        }
    }

    private static AdminApiException ToException(int status, string? reason, byte[] body)
    {
        try
        {
            if (body.Length > 0 && JsonSerializer.Deserialize(body, CliJsonContext.Default.ErrorBody) is { Error: { Length: > 0 } error } parsed)
            {
                return new AdminApiException(status, error, parsed.ErrorDescription);
            }
        }
        catch (JsonException)
        {
            // Not a FastGateway error body (e.g. a proxy in between): fall through to the status line.
        }

        return new AdminApiException(status, $"http_{status}", reason);
    }
}
