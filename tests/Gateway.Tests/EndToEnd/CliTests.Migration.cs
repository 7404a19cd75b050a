using System.Net;
using System.Text.Json;
using FastGateway.Tests.Infrastructure;
using static FastGateway.Tests.Infrastructure.OAuthCalls;

namespace FastGateway.Tests.EndToEnd;

/// <summary>The CLI's migration commands: imported secrets, Apigee app import, rotation grace, introspection permission.</summary>
public sealed partial class CliTests
{
    private static string ApigeeSample => Path.Combine(ExternalTool.RepositoryRoot(), "samples", "apigee", "apps.json");

    private async Task<HttpResponseMessage> ApigeeTokenAsync(string consumerKey, string consumerSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/client_credential/accesstoken?grant_type=client_credentials");
        request.Headers.Authorization = Basic(new ClientCredentials(consumerKey, consumerSecret));
        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task CliClientsImportApigee_DryRun_PrintsPlanAndCreatesNothing()
    {
        var result = await RunOkAsync(null, "clients", "import-apigee", ApigeeSample, "--dry-run", "--grant-type", "client_credentials", "--grant-type", "password");

        var lines = result.StandardOutput.Split('\n');
        Assert.Contains(lines, line => line.StartsWith("bBGAQrXgivA9lKu7NMPyoYpVKNhGar6K", StringComparison.Ordinal) && line.Contains("weatherapp", StringComparison.Ordinal) && line.Contains("would create", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Rv3NnM8sLk2Jh6Gf4Dd1Ss9Aa0Pp7Oo5", StringComparison.Ordinal) && line.Contains("would create (suspended)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Ee4Ww2Qq8Rr6Tt0Yy1Uu3Ii5Oo7Pp9Aa", StringComparison.Ordinal) && line.Contains("skip: expired", StringComparison.Ordinal));
        Assert.Contains("dry run: nothing was created", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("hAr4Gn0gA9vAyvI4", result.StandardOutput + result.StandardError, StringComparison.Ordinal);

        var json = await RunOkAsync(null, "clients", "import-apigee", ApigeeSample, "--dry-run", "--json");
        using var document = JsonDocument.Parse(json.StandardOutput);
        Assert.True(document.RootElement.GetProperty("dry_run").GetBoolean());
        Assert.Equal(4, document.RootElement.GetProperty("clients").GetArrayLength());

    }

    [Fact]
    public async Task CliClientsImportApigee_SampleFile_AppsGetTokensWithTheirApigeeCredentials()
    {
        var first = await RunOkAsync(null, "clients", "import-apigee", ApigeeSample);

        Assert.DoesNotContain("hAr4Gn0gA9vAyvI4", first.StandardOutput + first.StandardError, StringComparison.Ordinal);
        // weatherapp: the consumer key and secret from Apigee's document get a token at Apigee's URL, in Apigee's shape.
        using (var response = await ApigeeTokenAsync("bBGAQrXgivA9lKu7NMPyoYpVKNhGar6K", "hAr4Gn0gA9vAyvI4"))
        {
            var body = await ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal("weatherapp", body.GetProperty("application_name").GetString());
            Assert.Equal("view", body.GetProperty("scope").GetString()); // the app's scopes: the credential has none
            Assert.Equal("approved", body.GetProperty("status").GetString());
        }

        // A credential with its own scopes and an expiry: both kept.
        using (var response = await ApigeeTokenAsync("Zx81KqP0aWm3Tt6uVbN2cR5dLe7Hg9Jy", "Q4wE7rT1yU3iO5pA"))
        {
            Assert.Equal("view book", (await ReadJsonAsync(response)).GetProperty("scope").GetString());
        }

        var agency = await RunOkAsync(null, "clients", "get", "Zx81KqP0aWm3Tt6uVbN2cR5dLe7Hg9Jy", "--json");
        using (var document = JsonDocument.Parse(agency.StandardOutput))
        {
            Assert.Equal(4102444800, document.RootElement.GetProperty("client_secret_expires_at").GetInt64());
            Assert.Equal("time-travel-agency", document.RootElement.GetProperty("client_name").GetString());
        }

        // Revoked in Apigee: imported suspended. Expired in Apigee: not imported.
        using (var revoked = await ApigeeTokenAsync("Rv3NnM8sLk2Jh6Gf4Dd1Ss9Aa0Pp7Oo5", "m9N8b7V6c5X4z3L2"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, revoked.StatusCode);
            Assert.Equal("unauthorized_client", (await ReadJsonAsync(revoked)).GetProperty("error").GetString());
        }

        Assert.Equal(1, (await RunAsync("clients", "get", "Ee4Ww2Qq8Rr6Tt0Yy1Uu3Ii5Oo7Pp9Aa")).ExitCode);

        // A second run leaves what exists alone.
        var second = await RunOkAsync(null, "clients", "import-apigee", ApigeeSample);
        Assert.Contains("exists: left unchanged", second.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliClientsImportApigee_NotAnAppFile_UsageErrorExit2()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "not-apps.json");
        await File.WriteAllTextAsync(path, "[1, 2]");

        var result = await RunAsync("clients", "import-apigee", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no Apigee app profile", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliClients_CreateWithImportedSecretPostMethodAndIntrospection_Works()
    {
        var id = NewId("imp-");
        const string Secret = "an-imported-secret-0001";

        var created = await RunOkAsync(Secret, "clients", "create", "--client-id", id, "--scope", "view",
            "--token-endpoint-auth-method", "client_secret_post", "--introspection", "--client-secret-stdin");

        Assert.DoesNotContain(Secret, created.StandardOutput + created.StandardError, StringComparison.Ordinal);
        Assert.Contains("client_secret_post", created.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"introspection\s+allowed", created.StandardOutput);
        var client = new ClientCredentials(id, Secret);
        using var issued = await RequestTokenWithFormAsync(Http, client);
        var token = (await ReadJsonAsync(issued)).GetProperty("access_token").GetString()!;
        using (var introspection = await PostFormAsync(Http, "/oauth2/introspect", null, [new("client_id", id), new("client_secret", Secret), new("token", token)]))
        {
            Assert.Equal(HttpStatusCode.OK, introspection.StatusCode);
        }

        await RunOkAsync(null, "clients", "deny-introspection", id);
        using (var refused = await PostFormAsync(Http, "/oauth2/introspect", null, [new("client_id", id), new("client_secret", Secret), new("token", token)]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await RunOkAsync(null, "clients", "allow-introspection", id);
        using var allowed = await PostFormAsync(Http, "/oauth2/introspect", null, [new("client_id", id), new("client_secret", Secret), new("token", token)]);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task CliClients_RotateSecretWithGrace_OldAndNewSecretsWork()
    {
        var client = await CreateClientWithCliAsync(NewId("grace-"));

        var rotated = await RunOkAsync(null, "clients", "rotate-secret", client.ClientId, "--grace-seconds", "600");

        var renewed = client with { ClientSecret = SecretOf(rotated) };
        Assert.Contains("previous_secret_expires", rotated.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(renewed));
    }
}
