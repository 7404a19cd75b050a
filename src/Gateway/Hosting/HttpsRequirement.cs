using FastGateway.Errors;
using Microsoft.Extensions.Options;

namespace FastGateway.Hosting;

/// <summary>
/// <c>OAuth:RequireHttps</c> for the JSON OAuth endpoints (token, introspection, revocation, metadata and
/// their aliases): over plain HTTP they answer 400 <c>invalid_request</c> before reading the body, as
/// webMethods does. Applied once where the endpoints are mapped.
/// </summary>
internal sealed class HttpsRequirement(IOptions<OAuthOptions> options)
{
    /// <summary>Whether the request must be refused.</summary>
    public bool Refuses(HttpRequest request) => options.Value.RequireHttps && !request.IsHttps;

    /// <summary>Wraps an endpoint with the check.</summary>
    public RequestDelegate Wrap(RequestDelegate endpoint) => context => Refuses(context.Request)
        ? ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "HTTPS is required (OAuth:RequireHttps is true); for local development set OAuth:RequireHttps=false")
        : endpoint(context);
}
