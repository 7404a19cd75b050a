using System.Buffers.Text;
using System.Net;
using System.Text;
using FastGateway.Clients;
using FastGateway.Hosting;
using FastGateway.Throttling;
using Microsoft.Extensions.Primitives;

namespace FastGateway.OAuth;

/// <summary>How the caller presented client credentials.</summary>
internal enum ClientCredentialSource : byte
{
    /// <summary>No credentials at all.</summary>
    None,
    /// <summary>HTTP Basic (<c>client_secret_basic</c>).</summary>
    Basic,
    /// <summary>Form fields (<c>client_secret_post</c>), or a public client's bare client_id.</summary>
    Form,
}

/// <summary>Outcome of client authentication at an OAuth endpoint.</summary>
/// <param name="Client">The authenticated client, or null on failure.</param>
/// <param name="Source">Where the credentials came from (checked against the client's <c>token_endpoint_auth_method</c>).</param>
/// <param name="Error">An <c>ErrorCodes</c> value on failure.</param>
/// <param name="Description">What was wrong, on failure.</param>
/// <param name="Refusal">Set when the failure limits refused the attempt before the secret was checked (429 with <c>Retry-After</c>).</param>
internal readonly record struct ClientAuthenticationResult(OAuthClient? Client, ClientCredentialSource Source, string? Error, string? Description, ThrottleRefusal? Refusal = null);

/// <summary>
/// Client authentication for the token, introspection and revocation endpoints, RFC 6749 section 2.3.1:
/// HTTP Basic with form-urlencoded id and secret, or <c>client_id</c>/<c>client_secret</c> in the body.
/// Using both at once is refused (RFC 6749 section 2.3: one method per request). The method must be the one the
/// client is registered with (RFC 7591 <c>token_endpoint_auth_method</c>): a client_secret_basic client that sends
/// its secret in the form, or a client_secret_post client that uses Basic, gets <c>invalid_client</c>. During a
/// rotation's grace period the previous secret works too (<see cref="ClientSecrets.VerifyClient"/>). Guessing is
/// limited (RFC 6749 section 10.10): failed attempts are counted per remote address and per client_id, and once either
/// has used up its failures the attempt is refused with 429 before the secret is checked (<see cref="CredentialThrottle"/>).
/// </summary>
internal sealed class ClientAuthenticator(DurableRegistry<OAuthClient> clients, CredentialThrottle throttle, TimeProvider time)
{
    /// <summary>Authenticates the caller.</summary>
    /// <param name="authorization">The request's <c>Authorization</c> header values.</param>
    /// <param name="form">The form body.</param>
    /// <param name="remoteAddress">The caller's address, for the failure limits.</param>
    public ClientAuthenticationResult Authenticate(StringValues authorization, IFormCollection form, IPAddress? remoteAddress)
    {
        var formId = form["client_id"];
        var formSecret = form["client_secret"];
        if (authorization.Count > 1 || formId.Count > 1 || formSecret.Count > 1)
        {
            return Fail(ClientCredentialSource.None, Errors.ErrorCodes.InvalidRequest, "client credentials were sent more than once");
        }

        var header = authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.IsNullOrEmpty(formSecret))
            {
                return Fail(ClientCredentialSource.Basic, Errors.ErrorCodes.InvalidRequest, "use one client authentication method: HTTP Basic or client_secret in the body, not both");
            }

            if (!TryDecodeBasic(header.AsSpan(6).Trim(), out var id, out var secret))
            {
                return Refused(remoteAddress, null, ClientCredentialSource.Basic)
                    ?? Failed(remoteAddress, null, ClientCredentialSource.Basic, "malformed HTTP Basic credentials", "malformed HTTP Basic credentials");
            }

            if (!string.IsNullOrEmpty(formId) && formId != id)
            {
                return Fail(ClientCredentialSource.Basic, Errors.ErrorCodes.InvalidRequest, "client_id in the body differs from the HTTP Basic user");
            }

            return Check(id, secret, ClientCredentialSource.Basic, remoteAddress);
        }

        if (string.IsNullOrEmpty(formId))
        {
            return Fail(ClientCredentialSource.None, Errors.ErrorCodes.InvalidClient, "client authentication required: HTTP Basic or client_id and client_secret in the body");
        }

        if (string.IsNullOrEmpty(formSecret))
        {
            // A public client identifies itself with client_id alone (RFC 6749 section 3.2.1).
            return clients.TryGet(formId!, out var publicClient) && !publicClient.IsConfidential
                ? new ClientAuthenticationResult(publicClient, ClientCredentialSource.Form, null, null)
                : Refused(remoteAddress, formId, ClientCredentialSource.Form)
                    ?? Failed(remoteAddress, formId, ClientCredentialSource.Form, "no secret and not a public client");
        }

        return Check(formId!, formSecret!, ClientCredentialSource.Form, remoteAddress);
    }

    private ClientAuthenticationResult Check(string clientId, string secret, ClientCredentialSource source, IPAddress? remoteAddress)
    {
        // Before the secret is looked at: once the failures are used up, even the right secret is refused.
        if (Refused(remoteAddress, clientId, source) is { } refused)
        {
            return refused;
        }

        clients.TryGet(clientId, out var client);
        // Verify runs whether or not the client exists, so timing does not reveal which client_ids are registered.
        var valid = ClientSecrets.VerifyClient(client, secret, time.GetUtcNow().ToUnixTimeSeconds());
        if (!valid || client is null)
        {
            return Failed(remoteAddress, clientId, source, "wrong secret or unknown client_id");
        }

        // Said only to a caller that knows the secret: the registered method is not revealed to others.
        var used = source == ClientCredentialSource.Basic ? TokenEndpointAuthMethods.ClientSecretBasic : TokenEndpointAuthMethods.ClientSecretPost;
        return string.Equals(client.TokenEndpointAuthMethod, used, StringComparison.Ordinal)
            ? new ClientAuthenticationResult(client, source, null, null)
            : Failed(remoteAddress, clientId, source, "not the registered token_endpoint_auth_method", $"this client is registered for token_endpoint_auth_method {client.TokenEndpointAuthMethod}; authenticate with {(source == ClientCredentialSource.Basic ? "client_id and client_secret in the form body" : "HTTP Basic")} (RFC 7591 section 2)");
    }

    private ClientAuthenticationResult? Refused(IPAddress? remoteAddress, string? clientId, ClientCredentialSource source) =>
        throttle.CheckClient(remoteAddress, clientId) is { } refusal
            ? new ClientAuthenticationResult(null, source, refusal.Error, refusal.Description, refusal)
            : null;

    private ClientAuthenticationResult Failed(IPAddress? remoteAddress, string? clientId, ClientCredentialSource source, string reason, string description = "client authentication failed")
    {
        throttle.ClientFailed(remoteAddress, clientId, reason);
        return Fail(source, Errors.ErrorCodes.InvalidClient, description);
    }

    private static ClientAuthenticationResult Fail(ClientCredentialSource source, string error, string description) =>
        new(null, source, error, description);

    private static bool TryDecodeBasic(ReadOnlySpan<char> encoded, out string clientId, out string secret)
    {
        clientId = secret = "";
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        // RFC 6749 section 2.3.1: both parts are application/x-www-form-urlencoded before Basic encoding.
        clientId = FormDecode(text[..colon]);
        secret = FormDecode(text[(colon + 1)..]);
        return clientId.Length != 0;
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
