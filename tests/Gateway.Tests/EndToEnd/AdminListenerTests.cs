using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The admin API's own listener (<c>Admin:Urls</c>), the admin API under <c>OAuth:RequireHttps</c>, and the admin key's
/// minimum length: real gateway processes, real sockets.
/// </summary>
public sealed class AdminListenerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AdminUrls_AdminApiAnswersOnlyOnAdminListener()
    {
        var port = FreePort();
        await using var gateway = await StartAsync($"--Admin:Urls=http://127.0.0.1:{port}");
        using var publicHttp = gateway.CreateClient();
        using var adminHttp = AdminClient(port);

        using var publicList = await publicHttp.SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients"));
        using var publicRemove = await publicHttp.SendAsync(AdminRequest(HttpMethod.Post, "/invoke/pub.oauth/removeExpiredAccessTokens"));
        using var adminList = await adminHttp.SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients"));
        using var adminRemove = await adminHttp.SendAsync(AdminRequest(HttpMethod.Post, "/invoke/pub.oauth/removeExpiredAccessTokens"));

        Assert.Equal(HttpStatusCode.NotFound, publicList.StatusCode);
        Assert.Equal("not_found", (await ReadJsonAsync(publicList)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, publicRemove.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminList.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminRemove.StatusCode);
    }

    [Fact]
    public async Task AdminUrls_AdminListenerServesNoPublicEndpoint_PublicOnesStillWork()
    {
        var port = FreePort();
        using var upstream = new RecordingUpstream();
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), upstream.Url, $"--Admin:Urls=http://127.0.0.1:{port}");
        using var publicHttp = gateway.CreateClient();
        using var adminHttp = AdminClient(port);
        var client = await CreateClientAsync(adminHttp, "view");
        var token = await GetTokenAsync(publicHttp, client);

        using var adminToken = await RequestTokenAsync(adminHttp, client);
        using var adminApi = await adminHttp.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        using var publicApi = await publicHttp.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        foreach (var path in (string[])["/.well-known/oauth-authorization-server", "/oauth2/authorize?response_type=code&client_id=x", "/openapi/v1.json", "/nothing"])
        {
            using var response = await adminHttp.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, path);
        }

        foreach (var path in (string[])["/healthz", "/readyz"])
        {
            using var onAdmin = await adminHttp.GetAsync(path);
            using var onPublic = await publicHttp.GetAsync(path);
            Assert.True(onAdmin.StatusCode == HttpStatusCode.OK, path);
            Assert.True(onPublic.StatusCode == HttpStatusCode.OK, path);
        }

        Assert.Equal(HttpStatusCode.NotFound, adminToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, adminApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, publicApi.StatusCode);
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task AdminApi_PlainHttpWhileRequireHttps_Refused400BeforeTheKey()
    {
        await using var gateway = await StartAsync("--OAuth:RequireHttps=true");
        using var http = gateway.CreateClient();

        using var noKey = await http.GetAsync("/admin/v1/clients");
        using var withKey = await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients"));
        using var remove = await http.PostAsync("/invoke/pub.oauth/removeExpiredAccessTokens", null);

        foreach (var response in (HttpResponseMessage[])[noKey, withKey, remove])
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await ReadJsonAsync(response);
            Assert.Equal("invalid_request", body.GetProperty("error").GetString());
            Assert.Contains("HTTPS", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AdminUrls_OnLoopback_PlainHttpAllowedWhileRequireHttps()
    {
        var port = FreePort();
        await using var gateway = await StartAsync("--OAuth:RequireHttps=true", $"--Admin:Urls=http://127.0.0.1:{port}");
        using var publicHttp = gateway.CreateClient();
        using var adminHttp = AdminClient(port);

        using var admin = await adminHttp.SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients"));
        using var wrongKey = await adminHttp.GetAsync("/admin/v1/clients");
        using var metadata = await publicHttp.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
    }

    [Fact]
    public async Task AdminUrls_BesideKestrelEndpoints_BothListen()
    {
        var port = FreePort();
        using var certificate = await LoopbackCertificate.CreateAsync(_folder.Path);
        await using var gateway = await StartAsync(["--OAuth:RequireHttps=true", $"--Admin:Urls=http://127.0.0.1:{port}", .. certificate.EndpointArguments("Https")]);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Certificate.Thumbprint,
        };
        using var https = gateway.CreateClient(handler);
        using var adminHttp = AdminClient(port);

        var client = await CreateClientAsync(adminHttp, "view");
        using var token = await RequestTokenAsync(https, client);
        using var adminOnPublic = await https.SendAsync(AdminRequest(HttpMethod.Get, "/admin/v1/clients"));

        Assert.Equal("https", gateway.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, adminOnPublic.StatusCode);
    }

    [Fact]
    public async Task AdminApiKey_ShorterThan32Characters_StopsTheStartWithExit2()
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(Arguments("--Admin:ApiKey=0123456789abcdef0123456789abcde"));

        Assert.Equal(2, exitCode);
        Assert.Equal("fastgateway: Admin:ApiKey must be at least 32 characters (e.g. head -c 32 /dev/urandom | base64)", ErrorLine(output));
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", "needs a port")]
    [InlineData("ftp://127.0.0.1:9901", "must be http:// or https://")]
    [InlineData("http://127.0.0.1:9901/admin", "must be http:// or https://")]
    public async Task AdminUrls_Invalid_StopsTheStartWithExit2(string urls, string problem)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(Arguments($"--Admin:Urls={urls}"));

        Assert.Equal(2, exitCode);
        Assert.StartsWith("fastgateway: Admin:Urls: ", ErrorLine(output), StringComparison.Ordinal);
        Assert.Contains(problem, ErrorLine(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminUrls_SamePortAsPublicListener_StopsTheStartWithExit2()
    {
        var port = FreePort();
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(Arguments($"--urls=http://127.0.0.1:{port}", $"--Admin:Urls=http://localhost:{port}"));

        Assert.Equal(2, exitCode);
        Assert.Contains($"Admin:Urls: port {port} is also a public listener's", ErrorLine(output), StringComparison.Ordinal);
    }

    /// <summary>A port free a moment ago (the admin listener needs a fixed one).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The one line a refused start writes.</summary>
    internal static string ErrorLine(string output) =>
        Assert.Single(output.Split('\n', StringSplitOptions.TrimEntries), line => line.StartsWith("fastgateway:", StringComparison.Ordinal));

    private static HttpClient AdminClient(int port) => new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage AdminRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminKey);
        return request;
    }

    private Task<GatewayProcess> StartAsync(params string[] extraArgs) =>
        GatewayProcess.StartAsync(Path.Combine(_folder.Path, "data"), BrokenUpstreams.Closed(), extraArgs);

    private string[] Arguments(params string[] extra) =>
    [
        "--urls=http://127.0.0.1:0", $"--Storage:Path={Path.Combine(_folder.Path, "data")}", $"--Upstreams:timetravels={BrokenUpstreams.Closed()}",
        $"--Admin:ApiKey={GatewayProcess.AdminKey}", "--OAuth:RequireHttps=false", .. extra,
    ];
}
