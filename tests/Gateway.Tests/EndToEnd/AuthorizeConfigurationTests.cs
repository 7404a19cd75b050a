using System.Net;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.AuthorizeFlow;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>The authorization endpoint under non-default configuration: custom templates, HTTPS required, missing templates.</summary>
[Collection(SharedGateway.Name)]
public sealed class AuthorizeConfigurationTests(GatewayFixture fixture)
{
    private const string Callback = "http://127.0.0.1:9/callback";

    [Fact]
    public async Task Templates_FromCustomTemplatesPath_AreUsed()
    {
        using var storage = new TempFolder();
        using var templates = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(templates.Path, "signin.html"),
            "<html><body><h1>ACME sign-in for {{client_name}}</h1><form method=\"post\" action=\"{{action}}\"><input type=\"hidden\" name=\"csrf_token\" value=\"{{csrf_token}}\"><input type=\"hidden\" name=\"request\" value=\"{{request}}\"><p>{{error}}</p></form></body></html>");
        await File.WriteAllTextAsync(Path.Combine(templates.Path, "consent.html"),
            "<html><body><h1>ACME consent</h1><form><input type=\"hidden\" name=\"csrf_token\" value=\"{{csrf_token}}\"><input type=\"hidden\" name=\"request\" value=\"{{request}}\"><ul>{{scope_checkboxes}}</ul></form></body></html>");
        await File.WriteAllTextAsync(Path.Combine(templates.Path, "error.html"), "<html><body><h1>ACME error</h1><p>{{error}}: {{error_description}}</p></body></html>");
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, fixture.Upstream.Address.ToString().TrimEnd('/'), $"--OAuth:TemplatesPath={templates.Path}");
        using var http = gateway.CreateClient();
        var client = await CreateClientAsync(http, [Callback], ["authorization_code"], clientName: "Rocket & Co");

        using var signIn = await http.GetAsync(Url(client.ClientId, Callback, codeChallenge: NewPkce().Challenge));
        using var error = await http.GetAsync(Url("nobody", Callback));

        Assert.Contains("ACME sign-in for Rocket &amp; Co", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("ACME error", await error.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Templates_Missing_FailsStartWithClearMessage()
    {
        using var storage = new TempFolder();
        using var templates = new TempFolder();

        var (exitCode, output) = await GatewayProcess.RunToExitAsync("--urls=http://127.0.0.1:0", $"--Storage:Path={storage.Path}",
            $"--Upstreams:timetravels={fixture.Upstream.Address}", $"--OAuth:TemplatesPath={templates.Path}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("signin.html is missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_RequireHttpsOverPlainHttp_ShowsErrorPage()
    {
        using var storage = new TempFolder();
        // The admin API is under RequireHttps too: the client is registered on a loopback admin listener, which takes plain HTTP.
        var adminPort = AdminListenerTests.FreePort();
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, fixture.Upstream.Address.ToString().TrimEnd('/'), "--OAuth:RequireHttps=true",
            $"--Admin:Urls=http://127.0.0.1:{adminPort}");
        using var http = gateway.CreateClient();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        var client = await CreateClientAsync(admin, [Callback], ["authorization_code"]);

        using var response = await http.GetAsync(Url(client.ClientId, Callback, state: "h", codeChallenge: NewPkce().Challenge));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("HTTPS is required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_RequirePkce_ConfidentialClientWithoutPkceRedirectsInvalidRequest_WithPkceShowsSignIn()
    {
        using var storage = new TempFolder();
        await using var gateway = await GatewayProcess.StartAsync(storage.Path, fixture.Upstream.Address.ToString().TrimEnd('/'), "--OAuth:RequirePkce=true");
        using var http = CreateBrowser(gateway.BaseAddress);
        var client = await CreateClientAsync(http, [Callback], ["authorization_code"], publicClient: false);

        using var without = await http.GetAsync(Url(client.ClientId, Callback, state: "r", codeChallenge: null));
        using var with = await http.GetAsync(Url(client.ClientId, Callback, state: "r", codeChallenge: NewPkce().Challenge));

        Assert.Equal(HttpStatusCode.SeeOther, without.StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(without.Headers.Location!.Query);
        Assert.Equal("invalid_request", query["error"].ToString());
        Assert.Contains("PKCE required", query["error_description"].ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task Authorize_ConfidentialClientWithoutPkce_AllowedByDefault()
    {
        var client = await CreateClientAsync(fixture.Http, [Callback], ["authorization_code"], publicClient: false);

        using var response = await fixture.Http.GetAsync(Url(client.ClientId, Callback, state: "r", codeChallenge: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
