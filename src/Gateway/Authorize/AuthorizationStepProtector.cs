using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using FastGateway.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Authorize;

/// <summary>
/// Seals the state of a sign-in or consent step (<see cref="AuthorizationRequest"/>) into the page's hidden
/// <c>request</c> field with ASP.NET Core Data Protection: encrypted, authenticated and time-limited, so the flow
/// needs no server session and any node with the same keys (under <c>&lt;Storage:Path&gt;/keys</c>) can continue it.
/// </summary>
internal sealed class AuthorizationStepProtector(IDataProtectionProvider dataProtection)
{
    /// <summary>
    /// Longest accepted protected value, in characters (base64url). A request whose state does not fit is refused
    /// before the sign-in page, not after the password; the form body limit (<see cref="AuthorizeEndpoint.MaxBodyBytes"/>)
    /// leaves room for the other fields.
    /// </summary>
    public const int MaxProtectedLength = 12 * 1024;

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("FastGateway.Authorize.Request.v1").ToTimeLimitedDataProtector();

    /// <summary>Protects a step; it expires <see cref="AuthorizeEndpoint.StepLifetime"/> after <see cref="AuthorizationRequest.IssuedAt"/>.</summary>
    /// <returns>The base64url value for the page, or null when it would exceed <see cref="MaxProtectedLength"/>.</returns>
    public string? Protect(AuthorizationRequest step)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(step, GatewayJsonContext.Default.AuthorizationRequest);
        var expires = DateTimeOffset.FromUnixTimeSeconds(step.IssuedAt) + AuthorizeEndpoint.StepLifetime;
        var value = Base64Url.EncodeToString(_protector.Protect(json, expires));
        return value.Length <= MaxProtectedLength ? value : null;
    }

    /// <summary>Reads a step back from the posted <c>request</c> field.</summary>
    /// <returns>The step, or null when the field is missing, repeated, too long, tampered with or expired.</returns>
    public AuthorizationRequest? Unprotect(StringValues value)
    {
        if (value.Count != 1 || string.IsNullOrEmpty(value[0]) || value[0]!.Length > MaxProtectedLength)
        {
            return null;
        }

        try
        {
            var json = _protector.Unprotect(Base64Url.DecodeFromChars(value[0]), out _);
            return JsonSerializer.Deserialize(json, GatewayJsonContext.Default.AuthorizationRequest);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
