using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(_folder.Path, "cert.pem");
        var keyPath = Path.Combine(_folder.Path, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());

        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(),
            "--OAuth:RequireHttps=true",
            "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Https:Certificate:Path={certPath}",
            $"--Kestrel:Endpoints:Https:Certificate:KeyPath={keyPath}");
        using var handler = new HttpClientHandler
        {
            // Trust exactly this test certificate.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var https = gateway.CreateClient(handler);

        var client = await CreateClientAsync(https, "view");
        using var response = await RequestTokenAsync(https, client);

        Assert.Equal("https", gateway.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", (await ReadJsonAsync(response)).GetProperty("token_type").GetString());
    }
}
