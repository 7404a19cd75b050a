using FastGateway.Admin;
using FastGateway.Errors;
using FastGateway.OAuth;
using FastGateway.Observability;
using FastGateway.OpenApi;
using FastGateway.Proxy;
using FastGateway.Throttling;

namespace FastGateway.Hosting;

/// <summary>
/// Builds the FastGateway process: the authorization server endpoints, the admin API and the
/// protected-API proxy on one Kestrel host (ASP.NET Core slim builder). The composition root: one <c>AddX</c> and
/// one <c>UseX</c>/<c>MapX</c> per feature, each in its feature's folder.
/// </summary>
/// <remarks>
/// <code>
/// request ──► [ShutdownDrain] ──► [AdminListener gate] ──► [ForwardedHeaders] ──► ProtectedApiMiddleware ── under an API base path? ──► validate ──► forward upstream
///              while draining      Admin:Urls set           trusted proxies set     │ no
///                                                                                   ▼
///                                                             endpoint routing: /oauth2/authorize, /oauth2/token, /admin/v1/..., /healthz, /readyz, else 404 JSON
/// </code>
/// </remarks>
public static class GatewayApp
{
    /// <summary>
    /// Builds the app from standard .NET configuration (appsettings.json, environment variables with
    /// <c>__</c>, <c>--Key=Value</c> arguments, <c>--urls</c>). Binds the listening sockets (<c>Proxy:ReusePort</c>), then
    /// opens and recovers the token store, waiting up to <c>Storage:LockTimeout</c> for a process that holds it (a swap,
    /// docs/deployment.md).
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <exception cref="InvalidOperationException">Configuration is incomplete (e.g. an upstream is missing) or the data folder is in use.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A value is out of range (<see cref="GatewayOptionsValidator"/>).</exception>
    /// <exception cref="InvalidDataException">A state file under <c>Storage:Path</c> is corrupt.</exception>
    public static WebApplication Build(string[] args)
    {
        var builder = CreateBuilder(args);
        var configuration = builder.Configuration;
        UseConfiguredConsoleFormatter(builder);
        GatewayOptionsValidator.ThrowIfInvalid(configuration);
        var proxyOptions = configuration.GetSection("Proxy").Get<ProxyOptions>() ?? new ProxyOptions();
        ConfigureKestrel(builder, proxyOptions);
        builder.AddAdminListener();
        // Before the data folder is opened: a swap's new process queues connections while it waits for the old one's lock.
        ReusePortListeners.Use(builder, proxyOptions);

        var storage = configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        builder.Services
            .AddGatewayOptions(configuration)
            .AddTrustedProxies(configuration)
            .AddGatewayStorage(storage)
            .AddShutdownDrain()
            .AddThrottling(configuration)
            .AddAuthorizationServer(configuration, storage.Path)
            .AddAdminApi()
            .AddProtectedApis(configuration, proxyOptions)
            .AddProxyObservability(configuration)
            .AddGatewayOpenApi()
            .AddGatewayTelemetry(configuration);

        var app = builder.Build();
        app.OpenGatewayStorage();
        app.UseShutdownDrain();
        app.UseAdminListener();
        app.UseTrustedProxies();
        app.UseProtectedApis();
        app.UseJsonErrors();
        // Explicit, so it runs here: WebApplication would otherwise put endpoint routing first, matching every
        // proxied request against the gateway's own endpoints before the proxy sees it (0.8% of its CPU under load).
        app.UseRouting();
        app.MapAuthorizationServer();
        app.MapAdminApi();
        app.MapHealthEndpoints();
        app.MapGatewayOpenApi();
        app.MapGatewayMetrics();
        return app;
    }

    /// <summary>
    /// The host builder with the gateway's configuration sources, and nothing opened yet (also what
    /// <c>FastGateway check</c> reads).
    /// </summary>
    /// <exception cref="InvalidDataException">appsettings.json (or appsettings.{Environment}.json) is not valid JSON.</exception>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        // appsettings.json ships beside the binary; Storage:Path and other relative paths stay relative to the working directory.
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

    /// <summary>
    /// <c>Logging:Console:FormatterName</c> (<c>simple</c>, <c>json</c>, <c>systemd</c>) takes effect: the slim builder
    /// registers only the simple formatter and forces its name over configuration. AddConsole registers the three
    /// built-in formatters, and the configured name is applied after the slim builder's.
    /// </summary>
    private static void UseConfiguredConsoleFormatter(WebApplicationBuilder builder)
    {
        builder.Logging.AddConsole();
        builder.Services.PostConfigure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console =>
            console.FormatterName = builder.Configuration["Logging:Console:FormatterName"] is { Length: > 0 } formatter ? formatter : console.FormatterName);
    }

    /// <summary>Kestrel's settings: field encodings, the request-body limit, and inline scheduling.</summary>
    private static void ConfigureKestrel(WebApplicationBuilder builder, ProxyOptions proxyOptions)
    {
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Upstream field values are passed through byte for byte (obs-text included, RFC 9110 section 5.5).
            kestrel.ResponseHeaderEncodingSelector = static _ => System.Text.Encoding.Latin1;
            // Keeps every option of the client's Connection field for hop-by-hop removal (see the type).
            kestrel.RequestHeaderEncodingSelector = FastGateway.Proxy.ConnectionFieldEncoding.Select;
            // The slim builder binds only Kestrel's endpoints from configuration: the request-body limit (the standard
            // key; proxied bodies are held to it) is read here.
            if (builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") is { } maxRequestBody)
            {
                kestrel.Limits.MaxRequestBodySize = maxRequestBody;
            }
        });

        if (proxyOptions.InlineScheduling)
        {
            UseInlineScheduling(builder);
        }
    }

    /// <summary>
    /// <see cref="ProxyOptions.InlineScheduling"/>: Kestrel runs request code where the socket operation completed, and
    /// the runtime completes socket operations on its epoll threads, so a proxied request makes no thread-pool hop.
    /// </summary>
    /// <remarks>
    /// The runtime reads both variables once, when the first socket registers with epoll; no socket is open yet here.
    /// Values the operator set (0 included) are left alone. Twice as many socket threads as cores: with one per core,
    /// a socket thread that the kernel preempted (cores shared with the upstream, a sidecar, a load generator) held up
    /// half the connections, and p99 latency doubled (perf/RESULTS.md, 2026-11-22).
    /// </remarks>
    private static void UseInlineScheduling(WebApplicationBuilder builder)
    {
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        SetUnlessSet("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        SetUnlessSet("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", (2 * Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture));

        static void SetUnlessSet(string variable, string value)
        {
            if (Environment.GetEnvironmentVariable(variable) is null)
            {
                Environment.SetEnvironmentVariable(variable, value);
            }
        }
    }

    /// <summary>Binds the gateway's configuration sections to their options, validated (<see cref="GatewayOptionsValidator"/>).</summary>
    private static IServiceCollection AddGatewayOptions(this IServiceCollection services, ConfigurationManager configuration)
    {
        services.Configure<OAuthOptions>(configuration.GetSection("OAuth"));
        services.Configure<StorageOptions>(configuration.GetSection("Storage"));
        services.Configure<AdminOptions>(configuration.GetSection("Admin"));
        services.Configure<ProxyOptions>(configuration.GetSection("Proxy"));
        GatewayOptionsValidator.Register(services);
        return services;
    }

    /// <summary>
    /// The gateway's own errors in JSON: an unhandled exception is a 500, and the empty 404s and 405s of endpoint
    /// routing get a body. Placed after the proxy, so upstream responses pass untouched.
    /// </summary>
    private static WebApplication UseJsonErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => ErrorResponse.WriteAsync(context, 500, ErrorCodes.ServerError, "the gateway failed to handle the request; see its log"),
        });
        app.UseStatusCodePages(pages => pages.HttpContext.Response.StatusCode == 405
            ? ErrorResponse.WriteAsync(pages.HttpContext, 405, ErrorCodes.MethodNotAllowed, $"{pages.HttpContext.Request.Method} is not allowed on {pages.HttpContext.Request.Path}")
            : ErrorResponse.WriteAsync(pages.HttpContext, pages.HttpContext.Response.StatusCode, ErrorCodes.NotFound, $"nothing here: {pages.HttpContext.Request.Method} {pages.HttpContext.Request.Path}"));
        return app;
    }
}
