using FastGateway.Observability;
using Microsoft.Extensions.Options;

namespace FastGateway.Hosting;

/// <summary>
/// Checks the data annotations on <see cref="OAuthOptions"/>, <see cref="StorageOptions"/>, <see cref="AdminOptions"/>
/// and <see cref="ProxyOptions"/>: the <c>[OptionsValidator]</c> source generator (Microsoft.Extensions.Options) writes the
/// <c>Validate</c> methods at build time, so nothing is found by reflection (Native AOT).
/// </summary>
/// <remarks>
/// <see cref="ThrowIfInvalid"/> runs first thing at start, before the token store opens or upstream pools are built from
/// the same values; the validator is also registered for <c>IOptions&lt;T&gt;</c> (with <c>ValidateOnStart</c>), so no
/// consumer ever sees an out-of-range value.
/// </remarks>
[OptionsValidator]
internal sealed partial class GatewayOptionsValidator :
    IValidateOptions<OAuthOptions>, IValidateOptions<StorageOptions>, IValidateOptions<AdminOptions>, IValidateOptions<ProxyOptions>,
    IValidateOptions<Observability.TelemetryOptions>, IValidateOptions<Observability.TelemetryMetricsOptions>, IValidateOptions<Observability.TelemetryTracingOptions>,
    IValidateOptions<AccessLogOptions>
{
    /// <summary>Registers the validator for the gateway's options types, checked when the host starts (<c>ValidateOnStart</c>).</summary>
    public static void Register(IServiceCollection services)
    {
        var validator = new GatewayOptionsValidator();
        services.AddSingleton<IValidateOptions<OAuthOptions>>(validator);
        services.AddSingleton<IValidateOptions<StorageOptions>>(validator);
        services.AddSingleton<IValidateOptions<AdminOptions>>(validator);
        services.AddSingleton<IValidateOptions<ProxyOptions>>(validator);
        services.AddSingleton<IValidateOptions<Observability.TelemetryOptions>>(validator);
        services.AddSingleton<IValidateOptions<AccessLogOptions>>(validator);
        services.AddOptions<OAuthOptions>().ValidateOnStart();
        services.AddOptions<StorageOptions>().ValidateOnStart();
        services.AddOptions<AdminOptions>().ValidateOnStart();
        services.AddOptions<ProxyOptions>().ValidateOnStart();
        services.AddOptions<Observability.TelemetryOptions>().ValidateOnStart();
        services.AddOptions<AccessLogOptions>().ValidateOnStart();
    }

    /// <summary>Binds and checks the gateway's sections of <paramref name="configuration"/>.</summary>
    /// <exception cref="OptionsValidationException">A value is out of range; the message names every key at fault and
    /// its allowed values, on one line.</exception>
    public static void ThrowIfInvalid(IConfiguration configuration)
    {
        var validator = new GatewayOptionsValidator();
        List<string> failures = [];
        Type? first = null;
        Check("OAuth", validator.Validate("OAuth", configuration.GetSection("OAuth").Get<OAuthOptions>() ?? new OAuthOptions()), typeof(OAuthOptions));
        Check("Storage", validator.Validate("Storage", configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions()), typeof(StorageOptions));
        Check("Admin", validator.Validate("Admin", configuration.GetSection("Admin").Get<AdminOptions>() ?? new AdminOptions()), typeof(AdminOptions));
        Check("Proxy", validator.Validate("Proxy", configuration.GetSection("Proxy").Get<ProxyOptions>() ?? new ProxyOptions()), typeof(ProxyOptions));
        // Telemetry's subsections one by one, so each message names its full key (Telemetry:Tracing:SampleRatio).
        var telemetry = configuration.GetSection("Telemetry").Get<Observability.TelemetryOptions>() ?? new Observability.TelemetryOptions();
        Check("Telemetry:Metrics", validator.Validate("Telemetry:Metrics", telemetry.Metrics), typeof(Observability.TelemetryOptions));
        Check("Telemetry:Tracing", validator.Validate("Telemetry:Tracing", telemetry.Tracing), typeof(Observability.TelemetryOptions));
        Check("AccessLog", validator.Validate("AccessLog", configuration.GetSection("AccessLog").Get<AccessLogOptions>() ?? new AccessLogOptions()), typeof(AccessLogOptions));
        if (first is not null)
        {
            throw new OptionsValidationException(Options.DefaultName, first, failures);
        }

        void Check(string section, ValidateOptionsResult result, Type type)
        {
            if (result.Failed)
            {
                first ??= type;
                // "AccessTokenLifetime: must be ..." (the generator's "member: message") reads "OAuth:AccessTokenLifetime must be ...".
                failures.AddRange(result.Failures!.Select(failure => failure.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0
                    ? $"{section}:{failure[..colon]} {failure[(colon + 2)..]}"
                    : $"{section}: {failure}"));
            }
        }
    }
}
