using System.CommandLine;
using FastGateway.Cli.Api;
using FastGateway.Cli.Apigee;
using FastGateway.Cli.Output;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Commands;

/// <summary><c>clients import-apigee</c>: Apigee Edge apps become clients with their consumer keys and secrets unchanged.</summary>
internal static partial class ClientsCommand
{
    private static Command ImportApigeeCommand()
    {
        var file = new Argument<string>("file") { Description = "Apigee app profiles (JSON): one app, an array of apps, or {\"app\": [...]} as GET .../apps?expand=true returns" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be created, change nothing" };
        var grantTypes = new Option<string[]>("--grant-type")
        {
            Description = "Grant type of every imported client; repeat for several [default: client_credentials, as Apigee's default OAuth proxy]",
            HelpName = "grant_type",
        };
        var scope = new Option<string>("--scope") { Description = "Scopes of every imported client, space-separated, instead of each credential's Apigee scopes" };
        var authMethod = AuthMethodOption();
        var command = new Command("import-apigee", "Import Apigee Edge app profiles: one client per credential, consumerKey/consumerSecret kept as client_id/client_secret (never printed)")
        {
            file, dryRun, grantTypes, scope, authMethod,
        };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var path = context.Get(file)!;
            string json;
            try
            {
                json = await File.ReadAllTextAsync(path, context.CancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read {path}: {e.Message}");
            }

            var plan = ApigeeImportPlan.Plan(
                ApigeeImportPlan.ReadApps(json),
                NullIfEmpty(context.Get(grantTypes)) ?? ["client_credentials"],
                context.Get(scope),
                context.Get(authMethod) ?? "client_secret_basic",
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var results = new List<string>(plan.Count);
            var failed = false;
            foreach (var item in plan)
            {
                var result = item.Skip is { } reason ? $"skip: {reason}"
                    : context.Get(dryRun) ? (item.Suspend ? "would create (suspended)" : "would create")
                    : await ImportAsync(context, item);
                failed |= result.StartsWith("failed", StringComparison.Ordinal);
                results.Add(result);
            }

            WriteImport(context, plan, results, context.Get(dryRun));
            return failed ? ExitCodes.ApiError : ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Registers one client (then suspends it when Apigee had it revoked); the outcome as one short line.</summary>
    private static async Task<string> ImportAsync(CommandContext context, ApigeeImportItem item)
    {
        try
        {
            await context.Api.SendAsync(HttpMethod.Post, "/admin/v1/clients", item.Request!, CliJsonContext.Default.ClientMetadataRequest, context.CancellationToken);
            if (!item.Suspend)
            {
                return "created";
            }

            var suspend = new ClientPatchRequest(null, null, null, null, null, null, null, Suspended: true);
            await context.Api.SendAsync(HttpMethod.Patch, ClientPath(item.ClientId), suspend, CliJsonContext.Default.ClientPatchRequest, context.CancellationToken);
            return "created (suspended)";
        }
        catch (AdminApiException e) when (e.Status == 409)
        {
            // Already registered (a second run): left as it is, so the import can be repeated safely.
            return "exists: left unchanged";
        }
        catch (AdminApiException e)
        {
            return $"failed: {e.Error}: {e.Description}";
        }
    }

    private static void WriteImport(CommandContext context, List<ApigeeImportItem> plan, List<string> results, bool dryRun)
    {
        if (context.Json)
        {
            JsonOutput.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteBoolean("dry_run", dryRun);
                writer.WriteStartArray("clients");
                for (var i = 0; i < plan.Count; i++)
                {
                    var (item, request) = (plan[i], plan[i].Request);
                    writer.WriteStartObject();
                    writer.WriteString("client_id", item.ClientId);
                    writer.WriteString("client_name", item.AppName);
                    if (request is not null)
                    {
                        writer.WriteString("scope", request.Scope ?? "(every scope)");
                        writer.WriteNumber("client_secret_expires_at", request.ClientSecretExpiresAt ?? 0);
                        writer.WriteBoolean("suspended", item.Suspend);
                    }

                    writer.WriteString("result", results[i]);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return;
        }

        var table = new ConsoleTable("CLIENT_ID", "NAME", "SCOPE", "SECRET_EXPIRES", "RESULT");
        for (var i = 0; i < plan.Count; i++)
        {
            var request = plan[i].Request;
            table.Add(
                plan[i].ClientId,
                plan[i].AppName,
                request is null ? "-" : request.Scope ?? "(every scope)",
                request?.ClientSecretExpiresAt is { } expires ? Text.Time(expires) : request is null ? "-" : "never",
                results[i]);
        }

        table.Write(Console.Out, "no credentials in the file");
        if (dryRun)
        {
            Console.Out.WriteLine("dry run: nothing was created");
        }
    }
}
