using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.EndToEnd;

/// <summary>The admin API's read-only client_type and the grant metadata the user grants rely on.</summary>
[Collection(SharedGateway.Name)]
public sealed class AdminClientTypeTests(GatewayFixture fixture)
{
    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> PostAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/clients");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await fixture.Http.SendAsync(request);
        return (response.StatusCode, await OAuthCalls.ReadJsonAsync(response));
    }

    [Fact]
    public async Task Create_PublicClientForCodeAndRefresh_IsPublicWithoutSecret()
    {
        var (status, body) = await PostAsync("""
            {"client_name":"spa","scope":"view","grant_types":["authorization_code","refresh_token"],
             "redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none","refresh_limit":5}
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("public", body.GetProperty("client_type").GetString());
        Assert.False(body.TryGetProperty("client_secret", out _));
        Assert.Equal(5, body.GetProperty("refresh_limit").GetInt32());
        Assert.Equal(["authorization_code", "refresh_token"], body.GetProperty("grant_types").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Create_DefaultClient_IsConfidential()
    {
        var (status, body) = await PostAsync("""{"client_name":"backend","scope":"view"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("confidential", body.GetProperty("client_type").GetString());
    }

    [Fact]
    public async Task Create_RefreshLimitWithoutRefreshTokenGrant_Returns400()
    {
        var (status, body) = await PostAsync("""{"client_name":"x","scope":"view","grant_types":["password"],"refresh_limit":3}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_client_metadata", body.GetProperty("error").GetString());
    }
}
