using System.Net;
using System.Text.Json;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

public sealed partial class CliTests
{
    private async Task<HttpStatusCode> BookingsStatusAsync(string token)
    {
        using var response = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        return response.StatusCode;
    }

    [Fact]
    public async Task CliClients_RateLimitCreateShowUpdateRemove_QuotaAppliesAtProxy()
    {
        var id = NewId("quota-");
        var client = await CreateClientWithCliAsync(id, "--rate-limit", "3/2");
        var shown = await RunOkAsync(null, "clients", "get", id);
        Assert.Contains("3 requests per 2 s", shown.StandardOutput, StringComparison.Ordinal);

        // Accepted requests reach the closed upstream (502); over the quota, 429 before any forwarding.
        var token = await GetTokenAsync(Http, client);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            statuses.Add(await BookingsStatusAsync(token));
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.BadGateway) >= 3, string.Join(", ", statuses));

        var removed = await RunOkAsync(null, "clients", "update", id, "--rate-limit", "none", "--json");
        using (var document = JsonDocument.Parse(removed.StandardOutput))
        {
            Assert.False(document.RootElement.TryGetProperty("rate_limit", out _));
        }

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, await BookingsStatusAsync(token));
        }

        var set = await RunOkAsync(null, "clients", "update", id, "--rate-limit", "100/60", "--name", "renamed");
        Assert.Contains("100 requests per 60 s", set.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("renamed", set.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("update", "5")]
    [InlineData("update", "5/x")]
    [InlineData("update", "")]
    public async Task CliClients_MalformedRateLimit_UsageExit2(string command, string value)
    {
        var result = await RunAsync("clients", command, "any-client", "--rate-limit", value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--rate-limit", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliClients_UpdateWithoutOptions_UsageExit2()
    {
        var result = await RunAsync("clients", "update", "any-client");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nothing to change", result.StandardError, StringComparison.Ordinal);
    }
}
