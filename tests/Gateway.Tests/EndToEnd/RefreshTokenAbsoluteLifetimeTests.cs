using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.GrantCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>
/// OAuth:RefreshTokenAbsoluteLifetime: a rotated refresh token never outlives the original grant plus the absolute
/// lifetime, and past it a refresh is refused. The gateway is restarted on the same data folder with a shorter limit
/// rather than waiting out a long one.
/// </summary>
[Trait(GatewayProcess.NativeTrait, GatewayProcess.NativeTraitValue)] // also run against the Native AOT binary (.ci/aot-smoke)
public sealed class RefreshTokenAbsoluteLifetimeTests : IAsyncLifetime
{
    private const string Password = "mr-fusion-2015";
    private readonly TempFolder _storage = new();
    private TimeTravelsUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await TimeTravelsUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _storage.Dispose();
    }

    private Task<GatewayProcess> StartAsync(int absoluteLifetime) =>
        GatewayProcess.StartAsync(_storage.Path, _upstream.Address.ToString().TrimEnd('/'), $"--OAuth:RefreshTokenAbsoluteLifetime={absoluteLifetime}");

    [Fact]
    public async Task Refresh_RotatedTokenCappedAtGrantPlusAbsoluteLifetime_RefusedPastIt()
    {
        RegisteredClient client;
        Tokens second;
        long grantedAt;
        await using (var gateway = await StartAsync(3600))
        {
            using var http = gateway.CreateClient();
            await CreateUserAsync(http, "jennifer", Password);
            client = await PasswordGrantTests.CreatePasswordClientAsync(http);
            using var signIn = await PasswordAsync(http, client, "jennifer", Password);
            var first = await ReadTokensAsync(signIn);
            var caller = await OAuthCalls.CreateResourceServerAsync(http); // introspection needs the permission (RFC 7662 section 2.1)
            using var introspectFirst = await OAuthCalls.IntrospectAsync(http, caller, first.RefreshToken!);
            grantedAt = (await OAuthCalls.ReadJsonAsync(introspectFirst)).GetProperty("iat").GetInt64();

            using var rotate = await RefreshAsync(http, client, first.RefreshToken!);
            second = await ReadTokensAsync(rotate);
            using var introspectSecond = await OAuthCalls.IntrospectAsync(http, caller, second.RefreshToken!);
            var exp = (await OAuthCalls.ReadJsonAsync(introspectSecond)).GetProperty("exp").GetInt64();

            // OAuth:RefreshTokenLifetime (30 days) from the rotation would be later: the grant's end wins (the grant
            // started at or before the first refresh token's iat).
            Assert.True(exp <= grantedAt + 3600, $"exp {exp} is past the grant's start {grantedAt} + 3600");
        }

        // Past a one-second absolute lifetime (the restart alone takes longer; the delay makes it certain).
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await using (var gateway = await StartAsync(1))
        {
            using var http = gateway.CreateClient();
            using var refused = await RefreshAsync(http, client, second.RefreshToken!);

            Assert.Contains("maximum lifetime", await AssertErrorAsync(refused, "invalid_grant"), StringComparison.Ordinal);
        }
    }
}
