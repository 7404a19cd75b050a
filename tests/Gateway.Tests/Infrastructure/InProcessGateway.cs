using FastGateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FastGateway.Tests.Infrastructure;

/// <summary>
/// The real gateway host in this process, on a real FASTER store in a temp folder, listening on a loopback port, with
/// the user "marty" (the grant tests issue codes to him, as /oauth2/authorize would after he signed in). For tests that
/// need the host's services; the end-to-end tests use a child process (<see cref="GatewayProcess"/>).
/// </summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    private readonly TempFolder _storage;

    private InProcessGateway(TempFolder storage, WebApplication app, HttpClient http)
    {
        _storage = storage;
        App = app;
        Http = http;
    }

    /// <summary>The host, for its services.</summary>
    public WebApplication App { get; }

    /// <summary>A client of the host's address.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts a gateway in front of a closed port, over plain HTTP, with <paramref name="arguments"/> added.</summary>
    public static async Task<InProcessGateway> StartAsync(params string[] arguments)
    {
        var storage = new TempFolder();
        var app = GatewayApp.Build([
            "--urls=http://127.0.0.1:0",
            $"--Storage:Path={storage.Path}",
            $"--Upstreams:timetravels={BrokenUpstreams.Closed()}",
            "--OAuth:RequireHttps=false",
            "--Logging:LogLevel:Default=Warning",
            .. arguments,
        ]);
        app.Services.GetRequiredService<DurableRegistry<FastGateway.Users.ResourceOwner>>().Upsert(new FastGateway.Users.ResourceOwner { Username = "marty", PasswordHash = "-" });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessGateway(storage, app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _storage.Dispose();
    }
}
