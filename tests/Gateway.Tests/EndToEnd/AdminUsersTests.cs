using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>POST/GET /admin/v1/users: resource owners with PBKDF2-hashed passwords, never echoed.</summary>
[Collection(SharedGateway.Name)]
public sealed class AdminUsersTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return Http.SendAsync(request);
    }

    [Fact]
    public async Task Create_Returns201WithoutPassword_GetReturnsUser_PasswordStoredHashed()
    {
        using var created = await SendAsync(HttpMethod.Post, "/admin/v1/users", """{"username":"marty","password":"outatime-1985"}""");
        var createdText = await created.Content.ReadAsStringAsync();
        using var fetched = await SendAsync(HttpMethod.Get, "/admin/v1/users/marty");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain("outatime", createdText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("marty", (await ReadJsonAsync(fetched)).GetProperty("username").GetString());
        var stored = await File.ReadAllTextAsync(Path.Combine(fixture.Gateway.StoragePath, "users.json"));
        Assert.Contains("pbkdf2-sha256$", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("outatime", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("outatime", fixture.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Duplicate_Returns409()
    {
        using var first = await SendAsync(HttpMethod.Post, "/admin/v1/users", """{"username":"doc","password":"gigawatts-121"}""");
        using var second = await SendAsync(HttpMethod.Post, "/admin/v1/users", """{"username":"doc","password":"gigawatts-121"}""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Theory]
    [InlineData("""{"username":"","password":"long enough"}""")]
    [InlineData("""{"username":"has space","password":"long enough"}""")]
    [InlineData("""{"username":"short","password":"1234567"}""")]
    [InlineData("""{"username":"nopassword"}""")]
    [InlineData("""{"username":"x","password":"long enough","admin":true}""")]
    public async Task Create_BadInput_Returns400WithReason(string json)
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/v1/users", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Get_Unknown_Returns404()
    {
        using var response = await SendAsync(HttpMethod.Get, "/admin/v1/users/nobody-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
