using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>A gateway of the CLI tests' own (own Storage:Path), in front of a closed port: a revoked token gets 401 before any forwarding.</summary>
public sealed class CliGatewayFixture : IAsyncLifetime
{
    private readonly TempFolder _storage = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await GatewayProcess.StartAsync(_storage.Path, BrokenUpstreams.Closed());
        Http = Gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        _storage.Dispose();
    }
}

/// <summary>
/// The operators' command line (<c>fastgateway-admin</c>, src/Cli) run as a child process against a real gateway:
/// what it prints, its exit codes, and that its changes take effect at the token endpoint and the proxy.
/// </summary>
public sealed partial class CliTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    private GatewayProcess Gateway => fixture.Gateway;

    private HttpClient Http => fixture.Http;

    private Task<CliProcess.Result> RunAsync(params string[] args) => CliProcess.RunAsync(Gateway, null, args);

    private async Task<CliProcess.Result> RunOkAsync(string? stdin, params string[] args)
    {
        var result = await CliProcess.RunAsync(Gateway, stdin, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("n")[..12];

    private async Task<ClientCredentials> CreateClientWithCliAsync(string clientId, params string[] extra)
    {
        var created = await RunOkAsync(null, ["clients", "create", "--client-id", clientId, "--name", "cli test", "--scope", "view", .. extra]);
        return new ClientCredentials(clientId, SecretOf(created));
    }

    private static string SecretOf(CliProcess.Result result)
    {
        var match = SecretLine().Match(result.StandardOutput);
        Assert.True(match.Success, result.ToString());
        Assert.Contains("shown only this once", result.StandardError, StringComparison.Ordinal);
        return match.Groups[1].Value;
    }

    private async Task<HttpStatusCode> TokenStatusAsync(ClientCredentials client)
    {
        using var response = await RequestTokenAsync(Http, client);
        return response.StatusCode;
    }

    [Fact]
    public async Task CliClients_CreateListRotateDelete_SecretsWorkAtTokenEndpoint()
    {
        var id = NewId("cli-");
        var client = await CreateClientWithCliAsync(id);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(client));

        var list = await RunOkAsync(null, "clients", "list", "--limit", "1");
        Assert.Contains(list.StandardOutput.Split('\n'), line => line.StartsWith(id + " ", StringComparison.Ordinal));
        Assert.DoesNotContain(client.ClientSecret, list.StandardOutput, StringComparison.Ordinal);

        var rotated = await RunOkAsync(null, "clients", "rotate-secret", id);
        var renewed = client with { ClientSecret = SecretOf(rotated) };
        Assert.NotEqual(client.ClientSecret, renewed.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(renewed));

        var get = await RunOkAsync(null, "clients", "get", id);
        Assert.Contains("cli test", get.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotMatch(SecretLine(), get.StandardOutput); // (token_endpoint_auth_method client_secret_basic is fine)
        Assert.DoesNotContain(renewed.ClientSecret, get.StandardOutput, StringComparison.Ordinal);

        var deleted = await RunOkAsync(null, "clients", "delete", id);
        Assert.Contains($"deleted client {id}", deleted.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(renewed));
        var gone = await RunAsync("clients", "get", id);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("not_found", gone.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliClients_ListFollowsEveryPage_ShowsAllClients()
    {
        var ids = new[] { NewId("page-a-"), NewId("page-b-"), NewId("page-c-") };
        foreach (var id in ids)
        {
            await CreateClientWithCliAsync(id);
        }

        var list = await RunOkAsync(null, "clients", "list", "--limit", "1", "--json");

        using var document = JsonDocument.Parse(list.StandardOutput);
        var listed = document.RootElement.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("client_id").GetString()).ToList();
        Assert.All(ids, id => Assert.Contains(id, listed));
        Assert.Equal(listed.Distinct().Count(), listed.Count);
    }

    [Fact]
    public async Task CliTokens_ListThenRevokeByClient_TokenRejectedAtProxy()
    {
        var id = NewId("tok-");
        var client = await CreateClientWithCliAsync(id);
        var token = await GetTokenAsync(Http, client);
        using (var before = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token)))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, before.StatusCode); // 502: accepted, then the closed upstream fails.
        }

        var list = await RunOkAsync(null, "tokens", "list", "--client-id", id);
        Assert.Contains(list.StandardOutput.Split('\n'), line => line.Contains($"access_token  {id}", StringComparison.Ordinal) && line.Contains("active", StringComparison.Ordinal));
        Assert.DoesNotContain(token, list.StandardOutput, StringComparison.Ordinal);

        var revoked = await RunOkAsync(null, "tokens", "revoke", "--client-id", id);

        Assert.Contains("revoked 1 token(s)", revoked.StandardOutput, StringComparison.Ordinal);
        using var after = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var revokedList = await RunOkAsync(null, "tokens", "list", "--client-id", id, "--status", "revoked", "--json");
        using var document = JsonDocument.Parse(revokedList.StandardOutput);
        Assert.Single(document.RootElement.GetProperty("tokens").EnumerateArray());
    }

    [Fact]
    public async Task CliTokens_RevokeWithTokenOnStdin_TokenRejectedAtProxy()
    {
        var client = await CreateClientWithCliAsync(NewId("stdin-"));
        var token = await GetTokenAsync(Http, client);

        var revoked = await RunOkAsync(token, "tokens", "revoke", "--token-stdin");

        Assert.Contains("revoked 1 token(s)", revoked.StandardOutput, StringComparison.Ordinal);
        using var after = await Http.SendAsync(Api(HttpMethod.Get, "/timetravels/bookings", token));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task CliTokens_RemoveExpired_PrintsCount()
    {
        var result = await RunOkAsync(null, "tokens", "remove-expired");

        Assert.Matches(@"^removed \d+ expired record\(s\)\s*$", result.StandardOutput);
        using var json = JsonDocument.Parse((await RunOkAsync(null, "tokens", "remove-expired", "--json")).StandardOutput);
        Assert.True(json.RootElement.GetProperty("removed").GetInt32() >= 0);
    }

    [Fact]
    public async Task CliUsers_CreateWithPasswordOnStdin_PasswordGrantWorks()
    {
        var username = NewId("user-");
        const string Password = "cli-password-1";
        var client = await CreateClientWithCliAsync(NewId("pw-"), "--grant-type", "password");

        var created = await RunOkAsync(Password, "users", "create", username, "--password-stdin");

        Assert.Contains($"created user {username}", created.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await PasswordGrantStatusAsync(client, username, Password));
        Assert.Contains(username, (await RunOkAsync(null, "users", "list")).StandardOutput, StringComparison.Ordinal);

        await RunOkAsync("cli-password-2", "users", "set-password", username, "--password-stdin");
        Assert.NotEqual(HttpStatusCode.OK, await PasswordGrantStatusAsync(client, username, Password));
        Assert.Equal(HttpStatusCode.OK, await PasswordGrantStatusAsync(client, username, "cli-password-2"));

        await RunOkAsync(null, "users", "delete", username);
        Assert.DoesNotContain(username, (await RunOkAsync(null, "users", "list")).StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliUsers_CreateWithoutPasswordStdin_UsageErrorExit2()
    {
        var result = await RunAsync("users", "create", NewId("nopw-"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password-stdin", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliSettings_SetThenGet_JsonParses()
    {
        var set = await RunOkAsync(null, "settings", "set", "--authorization-code-lifetime", "300", "--json");
        using (var json = JsonDocument.Parse(set.StandardOutput))
        {
            Assert.Equal(300, json.RootElement.GetProperty("authorization_code_lifetime").GetInt32());
        }

        var get = await RunOkAsync(null, "settings", "get");
        Assert.Matches(@"authorization_code_lifetime\s+300 s", get.StandardOutput);
    }

    [Fact]
    public async Task CliJson_ListsAndCreate_ParseAsJson()
    {
        var id = NewId("json-");
        var created = await RunOkAsync(null, "clients", "create", "--client-id", id, "--scope", "view", "--json");
        using (var json = JsonDocument.Parse(created.StandardOutput))
        {
            Assert.Equal(id, json.RootElement.GetProperty("client_id").GetString());
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("client_secret").GetString()));
        }

        foreach (var args in (string[][])[["clients", "list", "--json"], ["users", "list", "--json"], ["tokens", "list", "--json"], ["settings", "get", "--json"], ["clients", "delete", id, "--json"]])
        {
            var result = await RunOkAsync(null, args);
            using var document = JsonDocument.Parse(result.StandardOutput);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task CliAdminKey_Wrong_Exit1WithGatewayErrorAndNoKey()
    {
        const string WrongKey = "wrong-admin-key-123456";
        var id = NewId("wrongkey-");

        var result = await RunAsync("--admin-key", WrongKey, "clients", "create", "--client-id", id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid_token", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayProcess.AdminKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("clients", "get", id)).ExitCode); // nothing was created
    }

    [Fact]
    public async Task CliUrl_NothingListening_Exit3()
    {
        var result = await RunAsync("--url", BrokenUpstreams.Closed(), "clients", "list");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach the gateway", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliTokensRevoke_TwoSelectors_UsageErrorExit2()
    {
        var result = await RunAsync("tokens", "revoke", "--client-id", "a", "--owner", "b");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("exactly one of", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> PasswordGrantStatusAsync(ClientCredentials client, string username, string password)
    {
        using var response = await PostFormAsync(Http, "/oauth2/token", client, [new("grant_type", "password"), new("username", username), new("password", password)]);
        return response.StatusCode;
    }

    [GeneratedRegex(@"^client_secret\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();
}
