
namespace FastGateway.Hosting;

/// <summary>
/// Configuration section <c>Bootstrap</c>: applications and users created at start (read entry by entry by
/// <c>ClientBootstrap</c> and <c>UserBootstrap</c>). Declared for the key check (<see cref="ConfigurationSections"/>).
/// </summary>
internal sealed record BootstrapOptions
{
    /// <summary><c>Bootstrap:Clients:N</c>.</summary>
    public BootstrapClientOptions[] Clients { get; set; } = [];

    /// <summary><c>Bootstrap:Users:N</c>.</summary>
    public BootstrapUserOptions[] Users { get; set; } = [];
}

/// <summary>One entry of <c>Bootstrap:Users</c>: a resource owner created (or whose password is reset) at start.</summary>
internal sealed record BootstrapUserOptions
{
    /// <summary>The username.</summary>
    public string? Username { get; set; }

    /// <summary>The password (plain text in configuration; PBKDF2-hashed in the store).</summary>
    public string? Password { get; set; }
}
