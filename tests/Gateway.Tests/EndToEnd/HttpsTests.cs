using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>OAuth:RequireHttps at its default (true) with a certificate from configuration, as the README shows.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CertificateFromConfiguration_TokenEndpointWorksOverHttps()
    {
        using var certificate = await LoopbackCertificate.CreateAsync(_folder.Path);

        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(),
            ["--OAuth:RequireHttps=true", .. certificate.EndpointArguments("Https")]);
        using var handler = new HttpClientHandler
        {
            // Trust exactly this test certificate.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Certificate.Thumbprint,
        };
        using var https = gateway.CreateClient(handler);

        var client = await CreateClientAsync(https, "view");
        using var response = await RequestTokenAsync(https, client);

        Assert.Equal("https", gateway.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", (await ReadJsonAsync(response)).GetProperty("token_type").GetString());
    }
}
