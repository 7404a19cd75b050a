using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastGateway.Tests.Infrastructure;

/// <summary>A self-signed certificate for 127.0.0.1, written as PEM files a gateway loads from configuration
/// (<c>Kestrel:Endpoints:&lt;name&gt;:Certificate:Path</c> and <c>KeyPath</c>).</summary>
/// <param name="Certificate">The certificate (no private key), for the client to trust exactly this one.</param>
/// <param name="CertPath">The certificate's PEM file.</param>
/// <param name="KeyPath">The private key's PEM file (PKCS#8).</param>
public sealed record LoopbackCertificate(X509Certificate2 Certificate, string CertPath, string KeyPath) : IDisposable
{
    /// <summary>Creates the certificate (valid from 5 minutes ago for a day) and writes cert.pem and key.pem into <paramref name="folder"/>.</summary>
    public static async Task<LoopbackCertificate> CreateAsync(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        await File.WriteAllTextAsync(certPath, withKey.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new LoopbackCertificate(X509CertificateLoader.LoadCertificate(withKey.RawData), certPath, keyPath);
    }

    /// <summary>The gateway arguments for an HTTPS endpoint named <paramref name="endpoint"/> on a free loopback port with this certificate.</summary>
    public string[] EndpointArguments(string endpoint) =>
    [
        $"--Kestrel:Endpoints:{endpoint}:Url=https://127.0.0.1:0",
        $"--Kestrel:Endpoints:{endpoint}:Certificate:Path={CertPath}",
        $"--Kestrel:Endpoints:{endpoint}:Certificate:KeyPath={KeyPath}",
    ];

    public void Dispose() => Certificate.Dispose();
}
