using System.CommandLine;
using System.Text.Json;
using FastGateway.Cli.Api;
using FastGateway.Cli.Output;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Commands;

/// <summary>
/// <c>clients create|list|get|update|delete|rotate-secret|suspend|resume|allow-introspection|deny-introspection|import-apigee</c>:
/// applications through <c>/admin/v1/clients</c>. A client secret is printed only by create and rotate-secret, the one
/// time the gateway returns it; an imported secret (<c>--client-secret-stdin</c>, <c>import-apigee</c>) is never printed.
/// </summary>
internal static partial class ClientsCommand
{
    private const string SecretNotice = "The client secret is shown only this once: store it now (rotate-secret issues a new one).";

    /// <summary>Builds the <c>clients</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("clients", "Applications (OAuth clients): create, list, get, update, delete, rotate-secret, suspend, resume");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(GetCommand());
        command.Subcommands.Add(UpdateCommand());
        command.Subcommands.Add(DeleteCommand());
        command.Subcommands.Add(RotateSecretCommand());
        command.Subcommands.Add(SuspendCommand("suspend", suspended: true, "Suspend a client: its tokens stop working at once and it gets no new ones"));
        command.Subcommands.Add(SuspendCommand("resume", suspended: false, "Resume a suspended client: its unexpired tokens work again"));
        command.Subcommands.Add(IntrospectionCommand("allow-introspection", allowed: true, "Let a client call the introspection endpoint (a resource server or a Microgateway's client)"));
        command.Subcommands.Add(IntrospectionCommand("deny-introspection", allowed: false, "Take the introspection permission away from a client"));
        command.Subcommands.Add(ImportApigeeCommand());
        return command;
    }

    private static Argument<string> ClientIdArgument() => new("client_id") { Description = "The client's client_id" };

    private static Command CreateCommand()
    {
        var clientId = new Option<string>("--client-id") { Description = "The client_id to use (1-64 of A-Z a-z 0-9 . _ ~ -) [default: generated]" };
        var name = new Option<string>("--name") { Description = "Display name (client_name)" };
        var scope = new Option<string>("--scope") { Description = "Allowed scopes, space-separated [default: every scope]" };
        var grantTypes = new Option<string[]>("--grant-type")
        {
            Description = "An allowed grant type (client_credentials, authorization_code, password, refresh_token); repeat for several [default: client_credentials]",
            HelpName = "grant_type",
        };
        var redirectUris = new Option<string[]>("--redirect-uri") { Description = "A redirection URI (absolute, no fragment); repeat for several", HelpName = "uri" };
        var isPublic = new Option<bool>("--public") { Description = "A public client (token_endpoint_auth_method none): no secret" };
        var lifetime = new Option<int?>("--access-token-lifetime") { Description = "Access-token lifetime in seconds; -1 = never expires [default: the gateway's]", HelpName = "seconds" };
        var refreshLimit = new Option<int?>("--refresh-limit") { Description = "Times a refresh token may be used; needs --grant-type refresh_token [default: 0, none issued]", HelpName = "count" };
        var rateLimit = RateLimitOption("Quota on the protected APIs: REQUESTS/WINDOW_SECONDS, e.g. 100/60 [default: unlimited]");
        var authMethod = AuthMethodOption();
        var introspection = new Option<bool>("--introspection") { Description = "May call the introspection endpoint (a resource server or a Microgateway's client)" };
        var secretStdin = new Option<bool>("--client-secret-stdin")
        {
            Description = "Import an existing secret (16-512 characters) read from stdin, with --client-id, instead of generating one",
        };

        var command = new Command("create", "Register a client; prints its secret once") { clientId, name, scope, grantTypes, redirectUris, isPublic, lifetime, refreshLimit, authMethod, introspection, secretStdin, rateLimit };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var imported = context.Get(secretStdin);
            if (imported && (context.Get(isPublic) || string.IsNullOrEmpty(context.Get(clientId))))
            {
                throw new UsageException("--client-secret-stdin imports an existing client: give its --client-id, and not --public");
            }

            var request = new ClientMetadataRequest(
                context.Get(clientId),
                context.Get(name),
                context.Get(scope),
                NullIfEmpty(context.Get(grantTypes)),
                NullIfEmpty(context.Get(redirectUris)),
                context.Get(isPublic) ? "none" : context.Get(authMethod),
                context.Get(lifetime),
                context.Get(refreshLimit))
            {
                RateLimit = ParseRateLimit(context.Get(rateLimit), allowNone: false),
                Introspection = context.Get(introspection) ? true : null,
                ClientSecret = imported ? await SecretInput.ReadAsync("client secret") : null,
            };
            var created = await context.Api.SendAsync(HttpMethod.Post, "/admin/v1/clients", request, CliJsonContext.Default.ClientMetadataRequest, context.CancellationToken);
            // An imported secret is the operator's own: not printed back.
            WriteClient(context, imported ? WithoutSecret(created!.Value) : created!.Value, withSecretNotice: !imported);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var limit = new Option<int?>("--limit") { Description = "Page size used while reading every page (1-500) [default: the gateway's, 50]", HelpName = "count" };
        var command = new Command("list", "List every client (all pages), ordered by client_id; never secrets") { limit };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var items = await context.Api.GetAllPagesAsync("/admin/v1/clients", "clients", context.Get(limit), context.CancellationToken);
            if (context.Json)
            {
                JsonOutput.WriteList("clients", items);
                return ExitCodes.Success;
            }

            var table = new ConsoleTable("CLIENT_ID", "NAME", "TYPE", "GRANT_TYPES", "SCOPE", "SUSPENDED");
            foreach (var item in items)
            {
                var client = item.Deserialize(CliJsonContext.Default.ClientInformationResponse)!;
                table.Add(client.ClientId, Text.OrDash(client.ClientName), Text.OrDash(client.ClientType), Text.List(client.GrantTypes), Text.OrDash(client.Scope), client.Suspended ? "yes" : "no");
            }

            table.Write(Console.Out, "no clients");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command GetCommand()
    {
        var id = ClientIdArgument();
        var command = new Command("get", "Show one client (never its secret)") { id };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var client = await context.Api.SendAsync(HttpMethod.Get, ClientPath(context.Get(id)!), context.CancellationToken);
            WriteClient(context, client!.Value, withSecretNotice: false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command UpdateCommand()
    {
        var id = ClientIdArgument();
        var name = new Option<string>("--name") { Description = "Display name (client_name)" };
        var scope = new Option<string>("--scope") { Description = "Allowed scopes, space-separated; removed scopes leave the client's live tokens at once" };
        var grantTypes = new Option<string[]>("--grant-type") { Description = "An allowed grant type; repeat for several (replaces the list)", HelpName = "grant_type" };
        var redirectUris = new Option<string[]>("--redirect-uri") { Description = "A redirection URI; repeat for several (replaces the list)", HelpName = "uri" };
        var lifetime = new Option<int?>("--access-token-lifetime") { Description = "Access-token lifetime in seconds; -1 = never expires", HelpName = "seconds" };
        var refreshLimit = new Option<int?>("--refresh-limit") { Description = "Times a refresh token may be used; 0 = none issued", HelpName = "count" };
        var rateLimit = RateLimitOption("Quota on the protected APIs: REQUESTS/WINDOW_SECONDS, e.g. 100/60, or none to remove it");

        var command = new Command("update", "Change a client's metadata; options not given stay as they are") { id, name, scope, grantTypes, redirectUris, lifetime, refreshLimit, rateLimit };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var patch = new ClientPatchRequest(
                context.Get(name),
                context.Get(scope),
                NullIfEmpty(context.Get(grantTypes)),
                NullIfEmpty(context.Get(redirectUris)),
                null,
                context.Get(lifetime),
                context.Get(refreshLimit),
                null);
            var body = JsonSerializer.SerializeToNode(patch, CliJsonContext.Default.ClientPatchRequest)!.AsObject();
            if (context.Get(rateLimit) is { } text)
            {
                // Written by hand: the tool leaves null members out of requests, and null is how PATCH removes a rate_limit.
                body["rate_limit"] = ParseRateLimit(text, allowNone: true) is { } limit
                    ? JsonSerializer.SerializeToNode(limit, CliJsonContext.Default.RateLimit)
                    : null;
            }

            if (body.Count == 0)
            {
                throw new UsageException("nothing to change: give at least one option (see --help)");
            }

            var client = await context.Api.SendAsync(HttpMethod.Patch, ClientPath(context.Get(id)!), body, CliJsonContext.Default.JsonObject, context.CancellationToken);
            WriteClient(context, client!.Value, withSecretNotice: false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Option<string> RateLimitOption(string description) => new("--rate-limit") { Description = description, HelpName = "requests/seconds" };

    /// <summary>Parses <c>REQUESTS/WINDOW_SECONDS</c> (e.g. <c>100/60</c>); <c>none</c> (when allowed) is null, as is an absent option.</summary>
    /// <exception cref="UsageException">The text is neither.</exception>
    private static RateLimit? ParseRateLimit(string? text, bool allowNone)
    {
        if (text is null || (allowNone && text.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var requests)
            && int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return new RateLimit(requests, seconds);
        }

        throw new UsageException($"--rate-limit must be REQUESTS/WINDOW_SECONDS, e.g. 100/60{(allowNone ? ", or none" : "")}; not '{text}'");
    }

    private static Command DeleteCommand()
    {
        var id = ClientIdArgument();
        var command = new Command("delete", "Delete a client: every token it holds stops working at once") { id };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var clientId = context.Get(id)!;
            await context.Api.SendAsync(HttpMethod.Delete, ClientPath(clientId), context.CancellationToken);
            if (context.Json)
            {
                JsonOutput.Write(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("client_id", clientId);
                    writer.WriteBoolean("deleted", true);
                    writer.WriteEndObject();
                });
            }
            else
            {
                Console.Out.WriteLine($"deleted client {clientId}; its tokens no longer work");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RotateSecretCommand()
    {
        var id = ClientIdArgument();
        var grace = new Option<int?>("--grace-seconds")
        {
            Description = "Keep the old secret working this many seconds more (0-2592000), so deployed clients can switch [default: 0, it stops at once]",
            HelpName = "seconds",
        };
        var command = new Command("rotate-secret", "Issue a new client secret (printed once); the old one stops working at once or after --grace-seconds, issued tokens stay valid") { id, grace };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var path = ClientPath(context.Get(id)!) + "/secret";
            var client = context.Get(grace) is { } seconds
                ? await context.Api.SendAsync(HttpMethod.Post, path, new SecretRotationRequest(seconds), CliJsonContext.Default.SecretRotationRequest, context.CancellationToken)
                : await context.Api.SendAsync(HttpMethod.Post, path, context.CancellationToken);
            WriteClient(context, client!.Value, withSecretNotice: true);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command SuspendCommand(string name, bool suspended, string description)
    {
        var id = ClientIdArgument();
        var command = new Command(name, description) { id };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var client = await context.Api.SendAsync(HttpMethod.Patch, ClientPath(context.Get(id)!), new ClientPatchRequest(null, null, null, null, null, null, null, Suspended: suspended), CliJsonContext.Default.ClientPatchRequest, context.CancellationToken);
            WriteClient(context, client!.Value, withSecretNotice: false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command IntrospectionCommand(string name, bool allowed, string description)
    {
        var id = ClientIdArgument();
        var command = new Command(name, description) { id };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var patch = new ClientPatchRequest(null, null, null, null, null, null, null, null) { Introspection = allowed };
            var client = await context.Api.SendAsync(HttpMethod.Patch, ClientPath(context.Get(id)!), patch, CliJsonContext.Default.ClientPatchRequest, context.CancellationToken);
            WriteClient(context, client!.Value, withSecretNotice: false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Option<string> AuthMethodOption()
    {
        var option = new Option<string>("--token-endpoint-auth-method")
        {
            Description = "How the client authenticates: client_secret_basic (HTTP Basic) or client_secret_post (form fields); the other is refused [default: client_secret_basic]",
            HelpName = "method",
        };
        option.AcceptOnlyFromAmong("client_secret_basic", "client_secret_post");
        return option;
    }

    /// <summary>The client's JSON without <c>client_secret</c>.</summary>
    private static JsonElement WithoutSecret(JsonElement client)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var member in client.EnumerateObject())
            {
                if (member.Name != "client_secret")
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static string ClientPath(string clientId) => $"/admin/v1/clients/{Uri.EscapeDataString(clientId)}";

    private static string[]? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? values : null;

    private static void WriteClient(CommandContext context, JsonElement json, bool withSecretNotice)
    {
        var client = json.Deserialize(CliJsonContext.Default.ClientInformationResponse)!;
        if (context.Json)
        {
            JsonOutput.Write(json);
        }
        else
        {
            var fields = new List<(string, string)>
            {
                ("client_id", client.ClientId),
                ("client_name", Text.OrDash(client.ClientName)),
                ("client_type", Text.OrDash(client.ClientType)),
                ("scope", Text.OrDash(client.Scope)),
                ("grant_types", Text.List(client.GrantTypes)),
                ("redirect_uris", Text.List(client.RedirectUris)),
                ("token_endpoint_auth_method", client.TokenEndpointAuthMethod),
                ("introspection", client.Introspection ? "allowed" : "no"),
                ("access_token_lifetime", client.AccessTokenLifetime is { } seconds ? Text.Number(seconds) : "(gateway default)"),
                ("refresh_limit", Text.Number(client.RefreshLimit)),
                ("rate_limit", client.RateLimit is { } limit ? $"{Text.Number(limit.Requests)} requests per {Text.Number(limit.WindowSeconds)} s" : "(unlimited)"),
                ("suspended", client.Suspended ? "yes" : "no"),
                ("issued_at", Text.Time(client.ClientIdIssuedAt)),
            };
            if (client.PreviousClientSecretExpiresAt is { } previous)
            {
                fields.Add(("previous_secret_expires", Text.Time(previous)));
            }

            if (client.ClientSecret is { } secret)
            {
                fields.Add(("client_secret", secret));
            }

            Text.WriteFields(Console.Out, [.. fields]);
        }

        if (withSecretNotice && client.ClientSecret is not null)
        {
            // On stderr, so stdout stays the answer alone (plain fields or JSON) for scripts.
            Console.Error.WriteLine(SecretNotice);
        }
    }
}
