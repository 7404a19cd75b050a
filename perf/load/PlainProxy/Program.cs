// A reverse proxy written the way a .NET user would write one, as the peer in perf/load/run (scenario e):
// slim builder, one catch-all route, a Dictionary bearer check, a static HttpClient forwarding the request
// headers and streaming the response back. Like FastGateway it strips Authorization and tells the upstream
// the client id; unlike it, it has no scopes, no token store and no error bodies.
//   --Upstream=http://127.0.0.1:PORT   where every request goes (path and query appended)
//   PlainProxy__Tokens="token=client;..." (environment, so tokens stay out of the process listing)
//   --Floor=true   scenario (f) instead: the least a gateway on ASP.NET Core's host can do (Floor.cs)
using System.Net;

var builder = WebApplication.CreateSlimBuilder(args);
var upstream = builder.Configuration["Upstream"] ?? throw new InvalidOperationException("--Upstream=http://host:port is required");
if (builder.Configuration.GetValue<bool>("Floor"))
{
    Floor.Configure(builder);
    var floor = builder.Build();
    floor.Run(Floor.Forwarder(new Uri(upstream)));
    floor.Run();
    return;
}

var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (var entry in (builder.Configuration["PlainProxy:Tokens"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
{
    var parts = entry.Split('=', 2);
    tokens[parts[0]] = parts[1];
}

var hopByHop = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
{
    "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade", "Trailer", "Host", "Authorization",
};

using var client = new HttpClient(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
});

var app = builder.Build();
app.Map("/{**path}", async context =>
{
    var authorization = context.Request.Headers.Authorization.ToString();
    if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !tokens.TryGetValue(authorization[7..], out var clientId))
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return;
    }

    using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstream + context.Request.Path + context.Request.QueryString);
    if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
    {
        request.Content = new StreamContent(context.Request.Body);
    }

    foreach (var (name, values) in context.Request.Headers)
    {
        if (!hopByHop.Contains(name) && !request.Headers.TryAddWithoutValidation(name, values.ToArray()))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
    }

    request.Headers.TryAddWithoutValidation("X-Client-Id", clientId);

    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
    context.Response.StatusCode = (int)response.StatusCode;
    foreach (var (name, values) in response.Headers)
    {
        if (!hopByHop.Contains(name))
        {
            context.Response.Headers[name] = values.ToArray();
        }
    }

    foreach (var (name, values) in response.Content.Headers)
    {
        context.Response.Headers[name] = values.ToArray();
    }

    await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
});

app.Run();
