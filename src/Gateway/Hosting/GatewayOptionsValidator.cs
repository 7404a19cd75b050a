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

    /// <summary>
    /// Checks the whole configuration (<see cref="ConfigurationCheck.FindProblems"/>: unknown keys, values out of range,
    /// upstreams, issuer, trusted proxies, admin listener, bootstrap entries), as <c>FastGateway check</c> does.
    /// </summary>
    /// <exception cref="OptionsValidationException">The configuration has problems; <see cref="OptionsValidationException.Failures"/>
    /// holds every one, and the message joins them on one line.</exception>
    public static void ThrowIfInvalid(IConfiguration configuration)
    {
        var problems = ConfigurationCheck.FindProblems(configuration);
        if (problems.Count != 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GatewayOptionsValidator), problems);
        }
    }

    /// <summary>Adds the failures of <paramref name="result"/> to <paramref name="problems"/>, each prefixed with its key.</summary>
    public static void Collect(string section, ValidateOptionsResult result, List<string> problems)
    {
        if (result.Failed)
        {
            // "AccessTokenLifetime: must be ..." (the generator's "member: message") reads "OAuth:AccessTokenLifetime must be ...".
            problems.AddRange(result.Failures!.Select(failure => failure.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0
                ? $"{section}:{failure[..colon]} {failure[(colon + 2)..]}"
                : $"{section}: {failure}"));
        }
    }
}
