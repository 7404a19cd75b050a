using FastGateway.Admin;
using FastGateway.Contracts.Admin;
using FastGateway.Generated;
using FastGateway.Observability;
using FastGateway.Proxy;

namespace FastGateway.Hosting;

/// <summary>
/// The whole configuration check, run first at start (<see cref="GatewayOptionsValidator.ThrowIfInvalid"/>) and by
/// <c>FastGateway check</c>: every problem is collected, not only the first, as Envoy's <c>--mode validate</c> does.
/// Reads configuration only: nothing is opened, locked or bound.
/// </summary>
/// <remarks>
/// <code>
/// unknown keys and unconvertible values (ConfigurationKeyCheck, every section of ConfigurationSections)
///   ──► ranges (GatewayOptionsValidator: [OptionsValidator] on OAuth, Storage, Admin, Proxy)
///   ──► OAuth:Issuer, Upstreams:&lt;api&gt;, ForwardedHeaders, Admin:Urls, Bootstrap:Clients/Users
/// </code>
/// A value the binder cannot convert is reported once, by the key check, and left out when the ranges are checked.
/// </remarks>
internal static class ConfigurationCheck
{
    /// <summary>Every problem of <paramref name="configuration"/>, one line each, in the order above; empty when valid.</summary>
    public static List<string> FindProblems(IConfiguration configuration)
    {
        List<string> problems = [];
        HashSet<string> unconvertible = new(StringComparer.OrdinalIgnoreCase);
        ConfigurationKeyCheck.Check(configuration, problems, unconvertible);
        // Ranges are checked on what converts: the values already reported are left out of the binding.
        var convertible = unconvertible.Count == 0 ? configuration : Without(configuration, unconvertible);

        var validator = new GatewayOptionsValidator();
        var oauth = Bind(problems, () => convertible.GetSection("OAuth").Get<OAuthOptions>() ?? new OAuthOptions());
        if (oauth is not null)
        {
            GatewayOptionsValidator.Collect("OAuth", validator.Validate("OAuth", oauth), problems);
            if (!string.IsNullOrEmpty(oauth.Issuer) && IssuerIdentifier.Validate(oauth.Issuer, oauth.RequireHttps) is { } issuer)
            {
                problems.Add($"OAuth:Issuer: {issuer}");
            }
        }

        if (Bind(problems, () => convertible.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions()) is { } storage)
        {
            GatewayOptionsValidator.Collect("Storage", validator.Validate("Storage", storage), problems);
        }

        if (Bind(problems, () => convertible.GetSection("Admin").Get<AdminOptions>() ?? new AdminOptions()) is { } admin)
        {
            GatewayOptionsValidator.Collect("Admin", validator.Validate("Admin", admin), problems);
        }

        if (Bind(problems, () => convertible.GetSection("Proxy").Get<ProxyOptions>() ?? new ProxyOptions()) is { } proxy)
        {
            GatewayOptionsValidator.Collect("Proxy", validator.Validate("Proxy", proxy), problems);
        }

        // Telemetry's subsections one by one, so each message names its full key (Telemetry:Tracing:SampleRatio).
        if (Bind(problems, () => convertible.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions()) is { } telemetry)
        {
            GatewayOptionsValidator.Collect("Telemetry:Metrics", validator.Validate("Telemetry:Metrics", telemetry.Metrics), problems);
            GatewayOptionsValidator.Collect("Telemetry:Tracing", validator.Validate("Telemetry:Tracing", telemetry.Tracing), problems);
        }

        if (Bind(problems, () => convertible.GetSection("AccessLog").Get<AccessLogOptions>() ?? new AccessLogOptions()) is { } accessLog)
        {
            GatewayOptionsValidator.Collect("AccessLog", validator.Validate("AccessLog", accessLog), problems);
        }

        foreach (var api in GatewayDefinition.Apis)
        {
            if (UpstreamTable.Resolve(configuration, api, out var upstream) is null)
            {
                problems.Add(upstream);
            }
        }

        problems.AddRange(TrustedProxies.Problems(configuration));
        problems.AddRange(AdminListener.Problems(configuration));
        CheckBootstrap(convertible, problems);
        return problems;
    }

    /// <summary>The clients and users of <c>Bootstrap</c>, checked as the admin API checks a registration.</summary>
    private static void CheckBootstrap(IConfiguration configuration, List<string> problems)
    {
        foreach (var section in configuration.GetSection("Bootstrap:Clients").GetChildren())
        {
            if (Bind(problems, () => section.Get<BootstrapClientOptions>() ?? new BootstrapClientOptions()) is not { } options)
            {
                continue;
            }

            if (string.IsNullOrEmpty(options.ClientId) || string.IsNullOrEmpty(options.ClientSecret))
            {
                problems.Add($"{section.Path} needs ClientId and ClientSecret.");
                continue;
            }

            var metadata = new ClientMetadataRequest(options.ClientId, options.ClientName, options.Scope, null, null, null, options.AccessTokenLifetime, null)
            {
                RateLimit = options.RateLimit is { } limit ? new RateLimit(limit.Requests, limit.WindowSeconds) : null,
                Introspection = options.Introspection,
            };
            if (ClientAdminEndpoints.Validate(metadata) is { } invalid)
            {
                problems.Add($"{section.Path}: {invalid.Description}");
            }
        }

        foreach (var section in configuration.GetSection("Bootstrap:Users").GetChildren())
        {
            // Checked as the admin API checks a new user (its properties are kept for the key check by ConfigurationSections.Nested).
            if (Bind(problems, () => section.Get<BootstrapUserOptions>() ?? new BootstrapUserOptions()) is { } user
                && UserAdminEndpoints.Validate(user.Username, user.Password) is { } problem)
            {
                problems.Add($"{section.Path}: {problem}");
            }
        }
    }

    /// <summary>Binds a section; a conversion the key check missed is reported here.</summary>
    private static T? Bind<T>(List<string> problems, Func<T> bind)
        where T : class
    {
        try
        {
            return bind();
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
            return null;
        }
    }

    /// <summary>A copy of <paramref name="configuration"/> without the values at <paramref name="paths"/>.</summary>
    private static IConfiguration Without(IConfiguration configuration, HashSet<string> paths) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable().Where(pair => pair.Value is not null && !paths.Contains(pair.Key)))
            .Build();
}
