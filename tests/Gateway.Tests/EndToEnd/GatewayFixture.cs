using FastGateway.Tests.Infrastructure;

namespace FastGateway.Tests.EndToEnd;

/// <summary>One real gateway process in front of the real Time travels upstream, on a real FASTER store in a temp folder.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly TempFolder _storage = new();

    public TimeTravelsUpstream Upstream { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await TimeTravelsUpstream.StartAsync();
        Gateway = await GatewayProcess.StartAsync(_storage.Path, Upstream.Address.ToString().TrimEnd('/'));
        Http = Gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        _storage.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedGateway : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
