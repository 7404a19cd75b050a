using System.Text.RegularExpressions;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// A real gateway in front of a <see cref="RecordingUpstream"/>, listening on plain HTTP and on HTTPS (self-signed
/// certificate for 127.0.0.1; HTTP/1.1 and HTTP/2 by ALPN), with a <c>view book</c> token, a <c>view</c>-only token,
/// a 1 KiB request body limit and a short proxy timeout so a hung exchange costs seconds, not minutes.
/// One instance per adversarial test class (IClassFixture); the classes share one xunit collection so they run one
/// at a time (timing-sensitive cases, 2-core machines).
/// </summary>
public sealed partial class AdversarialGateway : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private string _thumbprint = "";

    public RecordingUpstream Upstream { get; } = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>The plain HTTP endpoint.</summary>
    public Uri Http { get; private set; } = null!;

    /// <summary>The HTTPS endpoint (h2 and http/1.1 by ALPN).</summary>
    public Uri Https { get; private set; } = null!;

    /// <summary>Token with scopes "view book".</summary>
    public string Token { get; private set; } = null!;

    /// <summary>Token with scope "view" only.</summary>
    public string ViewToken { get; private set; } = null!;

    /// <summary>The client id behind <see cref="Token"/>.</summary>
    public string ClientId { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var certificate = await LoopbackCertificate.CreateAsync(_folder.Path);
        _thumbprint = certificate.Certificate.GetCertHashString();

        Gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), Upstream.Url,
            [
                "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
                .. certificate.EndpointArguments("Https"),
                "--Kestrel:Limits:MaxRequestBodySize=1024",
                "--Proxy:Timeout=4",
            ]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var addresses = ListeningLine().Matches(Gateway.Output).Select(m => new Uri(m.Groups[1].Value)).ToList();
            if (addresses.FirstOrDefault(a => a.Scheme == "http") is { } http && addresses.FirstOrDefault(a => a.Scheme == "https") is { } https)
            {
                Http = http;
                Https = https;
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the gateway did not listen on both endpoints:\n{Gateway.Output}");
            }

            await Task.Delay(50);
        }

        using var client = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(30) };
        var full = await CreateClientAsync(client, "view book");
        ClientId = full.ClientId;
        Token = await GetTokenAsync(client, full);
        ViewToken = await GetTokenAsync(client, await CreateClientAsync(client, "view"));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Upstream.Dispose();
        _folder.Dispose();
    }

    /// <summary>A raw connection to the plain HTTP endpoint.</summary>
    public Task<RawHttpClient> ConnectAsync() => RawHttpClient.ConnectAsync(Http);

    /// <summary>An HTTP/2 connection to the HTTPS endpoint.</summary>
    public Task<Http2FrameClient> ConnectH2Async() => Http2FrameClient.ConnectAsync(Https, _thumbprint);

    /// <summary>The head of a well-formed request with the full token, without the final empty line.</summary>
    public string Head(string method, string target, string? testId = null, string? token = null) =>
        $"{method} {target} HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: Bearer {token ?? Token}\r\n" + (testId is null ? "" : $"X-Test-Id: {testId}\r\n");

    /// <summary>
    /// The health check every case ends with: a normal GET on a new connection gets 200 with its own answer (and so
    /// does one on <paramref name="same"/>, if given and still open). Leaves the upstream's records as they were.
    /// </summary>
    public async Task AssertHealthyAsync(RawHttpClient? same = null)
    {
        var script = Upstream.Script;
        Upstream.Script = null;
        try
        {
            if (same is not null && !same.Closed)
            {
                var id = "health-same-" + Guid.NewGuid().ToString("N")[..8];
                var response = await same.SendAndReadAsync(Head("GET", "/timetravels/bookings", id) + "\r\n");
                if (response is not null)
                {
                    Assert.True(response.Status == 200 && response.BodyText.Contains($"id={id};", StringComparison.Ordinal),
                        $"the attacked connection's next request got someone else's answer or failed:\n{response}\nupstream:\n{Upstream.Transcript}");
                }
            }

            await using var fresh = await ConnectAsync();
            var freshId = "health-" + Guid.NewGuid().ToString("N")[..8];
            var answer = await fresh.SendAndReadAsync(Head("GET", "/timetravels/bookings", freshId) + "\r\n");
            Assert.True(answer is not null, "the gateway closed a healthy request's connection without answering");
            Assert.True(answer.Status == 200 && answer.BodyText.Contains($"id={freshId};", StringComparison.Ordinal),
                $"a normal request after the attack did not get its own 200 answer:\n{answer}\nupstream:\n{Upstream.Transcript}");
        }
        finally
        {
            Upstream.Script = script;
        }
    }

    [GeneratedRegex(@"Now listening on: (https?://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
