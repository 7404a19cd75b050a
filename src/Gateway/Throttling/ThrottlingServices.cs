namespace FastGateway.Throttling;

/// <summary>
/// Registers the defences against guessing credentials (RFC 6749 sections 4.3.2 and 10.10):
/// failure limits per remote address, username and client (<see cref="CredentialThrottle"/>), the username lockout
/// (<see cref="UsernameLockout"/>), and the bound on password hashing (<see cref="HashingGate"/>), all reached
/// through <see cref="PasswordGuard"/> for passwords and <see cref="CredentialThrottle"/> for client secrets and the admin key.
/// </summary>
internal static class ThrottlingServices
{
    /// <summary>Binds configuration section <c>Throttling</c> (<see cref="ThrottlingOptions"/>) and adds the services.</summary>
    public static IServiceCollection AddThrottling(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ThrottlingOptions>(configuration.GetSection("Throttling"));
        services.AddSingleton<CredentialThrottle>();
        services.AddSingleton<UsernameLockout>();
        services.AddSingleton<HashingGate>();
        services.AddSingleton<PasswordGuard>();
        return services;
    }
}
