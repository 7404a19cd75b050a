using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FastGateway.Hosting;
using Microsoft.Extensions.Options;

namespace FastGateway.Authorize;

/// <summary>
/// Binds sign-in and consent steps to the browser that began them: a random value in a cookie of its own, whose
/// SHA-256 is sealed into each step's protected payload (<see cref="AuthorizationRequest.BrowserBinding"/>). A step
/// posted from any other browser (its form copied, phished or replayed elsewhere) lacks the cookie and is refused.
/// </summary>
/// <remarks>
/// One value per browser, not per flow: two flows in two tabs both keep working (a per-flow value in one cookie
/// would let the newer tab break the older). Single use is <see cref="ConsumedSteps"/>'s job, not this cookie's.
/// The cookie is a session cookie, <c>HttpOnly</c>, <c>SameSite=Lax</c> (it is set on the GET a client's redirect
/// opens, a top-level navigation, and sent back on the same-origin form posts), <c>Path=/</c> (the endpoint has a
/// webMethods alias path too), and <c>Secure</c> while <c>OAuth:RequireHttps</c> is true.
/// </remarks>
internal sealed class BrowserBinding(IOptions<OAuthOptions> options)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "fastgateway.authorize";

    /// <summary>Length of a well-formed cookie value: base64url of 32 random bytes.</summary>
    private const int ValueLength = 43;

    /// <summary>
    /// The binding for this browser: the existing cookie's, or a new value sent in <c>Set-Cookie</c>.
    /// </summary>
    /// <returns>Base64url SHA-256 of the cookie value (43 characters), to seal into the step.</returns>
    public string Bind(HttpContext context)
    {
        if (context.Request.Cookies[CookieName] is { Length: ValueLength } existing && IsBase64Url(existing))
        {
            return Hash(existing);
        }

        var value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = options.Value.RequireHttps,
            Path = "/",
        });
        return Hash(value);
    }

    /// <summary>Whether the request comes from the browser a step was bound to (constant-time comparison).</summary>
    /// <param name="context">The form post.</param>
    /// <param name="binding">The step's <see cref="AuthorizationRequest.BrowserBinding"/>.</param>
    public static bool Matches(HttpContext context, string? binding)
    {
        if (binding is null || context.Request.Cookies[CookieName] is not { Length: ValueLength } value || !IsBase64Url(value))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(value)), Encoding.ASCII.GetBytes(binding));
    }

    private static string Hash(string value) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(value)));

    private static bool IsBase64Url(string value) => Base64Url.IsValid(value);
}
