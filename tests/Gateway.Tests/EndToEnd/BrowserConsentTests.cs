using FastGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static FastGateway.Tests.Infrastructure.AuthorizeFlow;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// The authorization code flow in a real browser: Debian's chromium driven by Playwright opens the
/// authorize URL, signs in, unticks a scope, approves and lands on the client's redirect URI (a
/// loopback Kestrel in this test), under the pages' real CSP; then the client exchanges the code and
/// calls the Time travels API with exactly the approved scopes. Saves the consent page as a screenshot.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class BrowserConsentTests(GatewayFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Browser_CodeFlowWithUntickedScope_LandsWithCode_ExchangesIt_CallsApiWithoutTheUntickedScope()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with 'apt-get install -y chromium' (.ci/run does this before the tests).");
        await using var callback = await CallbackServer.StartAsync();
        var redirectUri = callback.Address + "callback";
        var client = await CreateClientAsync(fixture.Http, [redirectUri], ["authorization_code"], clientName: "BookYourTicket");
        var username = "browser-" + Guid.NewGuid().ToString("N")[..8];
        await CreateUserAsync(fixture.Http, username, "outatime-1985");
        var pkce = NewPkce();
        var authorizeUrl = new Uri(fixture.Gateway.BaseAddress, Url(client.ClientId, redirectUri, "code", "view book cancel", "browser-state", pkce.Challenge));
        using var profile = new TempFolder();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 720, Height = 640 },
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        // Generous bounds, not time assertions: CI runs many gateway processes at once on two cores.
        page.SetDefaultTimeout(60_000);
        var cspViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                cspViolations.Add(message.Text);
            }
        };

        await page.GotoAsync(authorizeUrl.ToString());
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", "outatime-1985");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("input[name=scope][value=book]");
        await page.UncheckAsync("input[name=scope][value=book]");
        // The committed docs/consent-page.png is refreshed only on request (FG_UPDATE_SCREENSHOT=1), so test runs leave the tree clean.
        var screenshotFolder = Environment.GetEnvironmentVariable("FG_UPDATE_SCREENSHOT") == "1" ? Path.Combine(ExternalTool.RepositoryRoot(), "docs") : AppContext.BaseDirectory;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshotFolder, "consent-page.png"), FullPage = true });
        await page.ClickAsync("button[value=approve]");
        await page.WaitForURLAsync(url => url.StartsWith(redirectUri, StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 60_000 });

        var landed = new Uri(page.Url);
        var query = QueryHelpers.ParseQuery(landed.Query);
        Assert.Equal("browser-state", query["state"].ToString());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", query["code"].ToString());
        Assert.Contains("callback received", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(query["code"].ToString(), callback.LastCode);
        Assert.Empty(cspViolations);

        // The client exchanges the code (public client: client_id + PKCE verifier) and calls the API.
        var tokens = await ReadTokensAsync(await TokenAsync(fixture.Http, client,
            ("grant_type", "authorization_code"), ("code", query["code"].ToString()), ("redirect_uri", redirectUri), ("code_verifier", pkce.Verifier)));
        Assert.Equal(["cancel", "view"], tokens.Scope.Split(' ').Order());
        var (status, owner, scope) = await GetBookingsAsync(fixture.Http, tokens.AccessToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal(username, owner);
        Assert.DoesNotContain("book", scope!.Split(' '));
        using var booking = await OAuthCalls.PostJsonAsync(fixture.Http, "/timetravels/bookings", tokens.AccessToken, new { passenger = "Marty", destination = "2015-10-21" });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, booking.StatusCode); // "book" was unticked on the consent page
    }

    /// <summary>The client's redirect URI: a loopback Kestrel that records the code it receives.</summary>
    private sealed class CallbackServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private CallbackServer(WebApplication app) => _app = app;

        public string Address { get; private set; } = "";

        public string? LastCode { get; private set; }

        public static async Task<CallbackServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
            var app = builder.Build();
            var server = new CallbackServer(app);
            app.MapGet("/callback", context =>
            {
                server.LastCode = context.Request.Query["code"];
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync("<!DOCTYPE html><title>callback</title><p>callback received</p>");
            });
            await app.StartAsync();
            server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
