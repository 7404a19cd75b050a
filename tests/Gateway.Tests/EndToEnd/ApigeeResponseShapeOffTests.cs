using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary><c>Compatibility:ApigeeResponseShape=false</c>: the Apigee alias answers in the RFC 6749 shape.</summary>
public sealed class ApigeeResponseShapeOffTests : IAsyncLifetime
{
    private readonly TempFolder _storage = new();
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayProcess.StartAsync(_storage.Path, BrokenUpstreams.Closed(), "--Compatibility:ApigeeResponseShape=false");

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task ApigeeAccessToken_ShapeSettingOff_AnswersRfcShape()
    {
        using var http = _gateway.CreateClient();
        var client = await CreateClientAsync(http, "view");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/client_credential/accesstoken?grant_type=client_credentials");
        request.Headers.Authorization = Basic(client);

        using var response = await http.SendAsync(request);
        var body = await ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, body.GetProperty("expires_in").ValueKind);
        Assert.False(body.TryGetProperty("api_product_list", out _));
    }
}
