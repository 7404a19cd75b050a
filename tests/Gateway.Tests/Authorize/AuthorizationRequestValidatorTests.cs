using FastGateway.Authorize;
using FastGateway.Clients;
using FastGateway.Hosting;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Tests.Authorize;

/// <summary>The pure authorization request checks (RFC 6749 sections 3.1 and 4.1.1, RFC 7636, RFC 8252 section 7.3), without HTTP.</summary>
public sealed class AuthorizationRequestValidatorTests
{
    // RFC 7636 Appendix B.
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private const string Callback = "https://app.example/cb";

    private static readonly OAuthClient Public = Client("spa", secretHash: "");
    private static readonly OAuthClient Confidential = Client("web", secretHash: "c2VjcmV0");
    private static readonly OAuthClient Native = Client("native", secretHash: "", redirectUris: ["http://127.0.0.1/cb", "http://[::1]:8400/cb", "http://localhost:8400/cb"]);

    private static OAuthClient Client(string clientId, string secretHash, string[]? redirectUris = null, string[]? grants = null, bool suspended = false) => new()
    {
        ClientId = clientId,
        SecretHash = secretHash,
        Scope = "view book",
        GrantTypes = grants ?? ["authorization_code"],
        RedirectUris = redirectUris ?? [Callback],
        TokenEndpointAuthMethod = secretHash.Length == 0 ? "none" : "client_secret_basic",
        Suspended = suspended,
    };

    private static AuthorizationRequestValidation Validate(bool requirePkce = false, params (string Name, string Value)[] parameters)
    {
        var clients = new[] { Public, Confidential, Native, Client("off", "", suspended: true), Client("implicit", "", grants: ["implicit"]) }.ToDictionary(c => c.ClientId);
        var validator = new AuthorizationRequestValidator(id => clients.GetValueOrDefault(id), new OAuthOptions { RequirePkce = requirePkce });
        var values = parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => new StringValues(g.Select(p => p.Value).ToArray()));
        return validator.Validate(name => values.GetValueOrDefault(name), now: 1_800_000_000);
    }

    private static (string, string)[] CodeRequest(string clientId = "spa", string redirectUri = Callback) =>
        [("response_type", "code"), ("client_id", clientId), ("redirect_uri", redirectUri), ("state", "s"), ("code_challenge", Challenge), ("code_challenge_method", "S256")];

    [Fact]
    public void Validate_WellFormedCodeRequest_IsValidWithAllAllowedScopes()
    {
        var result = Validate(parameters: CodeRequest());

        Assert.True(result.IsValid, result.Description);
        Assert.Equal("spa", result.Request!.ClientId);
        Assert.Equal(Callback, result.Request.RedirectUri);
        Assert.Equal("s", result.Request.State);
        Assert.Equal(1_800_000_000, result.Request.IssuedAt);
        Assert.NotEqual(0UL, result.Request.Scopes);
    }

    [Theory]
    [InlineData(null, "missing client_id")]
    [InlineData("nobody", "unknown client_id")]
    [InlineData("off", "suspended")]
    public void ValidateClientId_MissingUnknownOrSuspended_ErrorPage(string? clientId, string description)
    {
        var result = Validate(parameters: [.. CodeRequest().Where(p => p.Item1 != "client_id"), .. clientId is null ? [] : new[] { ("client_id", clientId) }]);

        Assert.False(result.IsValid);
        Assert.False(result.RedirectsError);
        Assert.Contains(description, result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client_id")]
    [InlineData("redirect_uri")]
    public void ValidateClientIdAndRedirectUri_Repeated_ErrorPageNotRedirect(string name)
    {
        var result = Validate(parameters: [.. CodeRequest(), (name, name == "client_id" ? "spa" : Callback)]);

        Assert.False(result.RedirectsError);
        Assert.Equal("invalid_request", result.Error);
    }

    [Theory]
    [InlineData("https://app.example/cb/")]
    [InlineData("https://app.example/cb?x=1")]
    [InlineData("https://APP.example/cb")]
    public void ValidateRedirectUri_NotExactlyRegistered_ErrorPage(string redirectUri)
    {
        var result = Validate(parameters: CodeRequest(redirectUri: redirectUri));

        Assert.False(result.RedirectsError);
        Assert.Equal("invalid_request", result.Error);
        Assert.DoesNotContain(redirectUri, result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:51234/cb")]
    [InlineData("http://127.0.0.1/cb")]
    [InlineData("http://[::1]:1/cb")]
    [InlineData("http://[::1]/cb")]
    [InlineData("http://localhost:8400/cb")]
    public void ValidateRedirectUri_LoopbackIpOnAnyPort_Valid(string redirectUri)
    {
        var result = Validate(parameters: CodeRequest("native", redirectUri));

        Assert.True(result.IsValid, result.Description);
        Assert.Equal(redirectUri, result.Request!.EffectiveRedirectUri);
    }

    [Theory]
    [InlineData("http://localhost:51234/cb")]
    [InlineData("http://127.0.0.1:51234/cb2")]
    [InlineData("http://127.0.0.1:51234/cb?x")]
    [InlineData("https://127.0.0.1:51234/cb")]
    [InlineData("http://127.0.0.2:51234/cb")]
    [InlineData("http://127.0.0.1.evil.example/cb")]
    [InlineData("http://127.0.0.1:99999/cb")]
    [InlineData("http://127.0.0.1:/cb")]
    public void ValidateRedirectUri_LoopbackOtherThanThePort_OrLocalhostOnAnotherPort_ErrorPage(string redirectUri)
    {
        var result = Validate(parameters: CodeRequest("native", redirectUri));

        Assert.False(result.RedirectsError);
        Assert.Equal("invalid_request", result.Error);
    }

    [Theory]
    [InlineData("scope")]
    [InlineData("state")]
    [InlineData("response_type")]
    [InlineData("code_challenge")]
    [InlineData("code_challenge_method")]
    public void ValidateParameterUniqueness_AnyParameterRepeated_RedirectsInvalidRequest(string name)
    {
        var result = Validate(parameters: [.. CodeRequest(), ("scope", "view"), (name, name == "scope" ? "book" : "x")]);

        Assert.True(result.RedirectsError);
        Assert.Equal("invalid_request", result.Error);
        Assert.Equal(name + " was sent more than once", result.Description);
    }

    [Fact]
    public void ValidateState_LongerThanTheLimit_RedirectsInvalidRequestWithoutEchoingIt()
    {
        var state = new string('s', AuthorizationRequestValidator.MaxStateLength + 1);

        var result = Validate(parameters: [.. CodeRequest().Where(p => p.Item1 != "state"), ("state", state)]);
        var atLimit = Validate(parameters: [.. CodeRequest().Where(p => p.Item1 != "state"), ("state", state[1..])]);

        Assert.True(result.RedirectsError);
        Assert.Equal("invalid_request", result.Error);
        Assert.Null(result.Request!.State);
        Assert.True(atLimit.IsValid, atLimit.Description);
    }

    [Theory]
    [InlineData(null, "invalid_request")]
    [InlineData("", "invalid_request")]
    [InlineData("id_token", "unsupported_response_type")]
    [InlineData("token", "unauthorized_client")]
    public void ValidateResponseType_MissingUnsupportedOrNotRegistered_Redirects(string? responseType, string error)
    {
        var result = Validate(parameters: [.. CodeRequest().Where(p => p.Item1 != "response_type"), .. responseType is null ? [] : new[] { ("response_type", responseType) }]);

        Assert.True(result.RedirectsError);
        Assert.Equal(error, result.Error);
    }

    [Theory]
    [InlineData("view teleport")]
    [InlineData("cancel")]
    public void ValidateScope_UnknownOrNotAllowed_RedirectsInvalidScopeWithoutEchoingIt(string scope)
    {
        var result = Validate(parameters: [.. CodeRequest(), ("scope", scope)]);

        Assert.True(result.RedirectsError);
        Assert.Equal("invalid_scope", result.Error);
        Assert.DoesNotContain("teleport", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidatePkce_PublicClientWithout_RedirectsInvalidRequest_ConfidentialAllowedUnlessRequired()
    {
        (string, string)[] WithoutPkce(string clientId) => [.. CodeRequest(clientId).Where(p => !p.Item1.StartsWith("code_challenge", StringComparison.Ordinal))];

        var publicClient = Validate(parameters: WithoutPkce("spa"));
        var confidential = Validate(parameters: WithoutPkce("web"));
        var required = Validate(requirePkce: true, parameters: WithoutPkce("web"));
        var requiredWithPkce = Validate(requirePkce: true, parameters: CodeRequest("web"));

        Assert.Equal(("invalid_request", true), (publicClient.Error, publicClient.RedirectsError));
        Assert.True(confidential.IsValid, confidential.Description);
        Assert.Equal(("invalid_request", true), (required.Error, required.RedirectsError));
        Assert.Contains("PKCE required", required.Description, StringComparison.Ordinal);
        Assert.True(requiredWithPkce.IsValid, requiredWithPkce.Description);
    }

    [Fact]
    public void ValidatePkce_UnsupportedMethod_DoesNotEchoIt()
    {
        var result = Validate(parameters: [.. CodeRequest().Where(p => p.Item1 != "code_challenge_method"), ("code_challenge_method", "S512\"<x>")]);

        Assert.Equal("invalid_request", result.Error);
        Assert.DoesNotContain("S512", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ImplicitErrors_UseTheFragment()
    {
        var result = Validate(parameters: [("response_type", "token"), ("client_id", "implicit"), ("scope", "teleport")]);

        Assert.Equal("invalid_scope", result.Error);
        Assert.Equal(AuthorizationRequestValidator.TokenResponseType, result.Request!.ResponseType);
    }
}
