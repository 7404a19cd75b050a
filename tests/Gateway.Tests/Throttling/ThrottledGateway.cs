using System.Net;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.Throttling;

/// <summary>A gateway process of its own with the <c>Throttling</c> settings a test class needs (small limits keep tests fast).</summary>
public abstract class ThrottledGateway : IAsyncLifetime
{
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>A client from 127.0.0.1, for admin set-up calls (these never fail, so never count).</summary>
    public HttpClient Admin { get; private set; } = null!;

    protected abstract string[] Arguments { get; }

    public async Task InitializeAsync()
    {
        _upstream = await TimeTravelsUpstream.StartAsync();
        Gateway = await GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'), Arguments);
        Admin = Gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    /// <summary>Waits (bounded) for the console logger to write a line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        for (var i = 0; i < 50 && !Gateway.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        return Gateway.Output;
    }

    /// <summary>
    /// Asserts a throttled answer: the status, <c>Retry-After</c> in whole seconds (at least 1), a JSON body with the
    /// error code and a description, <c>Cache-Control: no-store</c>. Returns the Retry-After seconds.
    /// </summary>
    public static async Task<int> AssertThrottledAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 }, $"Retry-After: {response.Headers.RetryAfter}");
        using var document = JsonDocument.Parse(text);
        Assert.Equal(error, document.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("error_description").GetString()));
        return (int)retryAfter!.Value.TotalSeconds;
    }
}
