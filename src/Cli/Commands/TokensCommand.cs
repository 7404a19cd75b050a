using System.CommandLine;
using System.Text;
using System.Text.Json;
using FastGateway.Cli.Api;
using FastGateway.Cli.Output;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Commands;

/// <summary>
/// <c>tokens list|revoke|remove-expired</c>: issued tokens through <c>/admin/v1/tokens</c>. Lists show metadata
/// only; a token value is accepted only on stdin (<c>--token-stdin</c>).
/// </summary>
internal static class TokensCommand
{
    /// <summary>Builds the <c>tokens</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("tokens", "Issued access and refresh tokens: list, revoke, remove-expired");
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(RevokeCommand());
        command.Subcommands.Add(RemoveExpiredCommand());
        return command;
    }

    private static Command ListCommand()
    {
        var clientId = new Option<string>("--client-id") { Description = "Only this client's tokens" };
        var owner = new Option<string>("--owner") { Description = "Only this user's tokens" };
        var status = new Option<string>("--status") { Description = "Only tokens in this state" };
        status.AcceptOnlyFromAmong("active", "expired", "revoked", "consumed");
        var limit = new Option<int?>("--limit") { Description = "Page size used while reading every page (1-1000) [default: the gateway's, 100]", HelpName = "count" };
        var command = new Command("list", "List tokens (all pages, metadata only, never the token), in token_id order") { clientId, owner, status, limit };
        command.SetAction(CommandRunner.Run(async context =>
        {
            var query = new StringBuilder("/admin/v1/tokens");
            var separator = '?';
            foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("client_id", context.Get(clientId)), ("owner", context.Get(owner)), ("status", context.Get(status))])
            {
                if (!string.IsNullOrEmpty(value))
                {
                    query.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
                    separator = '&';
                }
            }

            var items = await context.Api.GetAllPagesAsync(query.ToString(), "tokens", context.Get(limit), context.CancellationToken);
            if (context.Json)
            {
                JsonOutput.WriteList("tokens", items);
                return ExitCodes.Success;
            }

            var table = new ConsoleTable("TOKEN_ID", "TYPE", "CLIENT_ID", "OWNER", "STATUS", "SCOPE", "ISSUED_AT", "EXPIRES_AT");
            foreach (var item in items)
            {
                var token = item.Deserialize(CliJsonContext.Default.TokenInfo)!;
                table.Add(token.TokenId, token.TokenType, token.ClientId, Text.OrDash(token.Owner), token.Status, Text.OrDash(token.Scope), Text.Time(token.IssuedAt), token.ExpiresAt is null ? "never" : Text.Time(token.ExpiresAt));
            }

            table.Write(Console.Out, "no tokens");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RevokeCommand()
    {
        var tokenId = new Option<string>("--token-id") { Description = "Revoke the token with this token_id (from tokens list)" };
        var clientId = new Option<string>("--client-id") { Description = "Revoke every token of this client" };
        var owner = new Option<string>("--owner") { Description = "Revoke every token of this user (log out everywhere)" };
        var tokenStdin = new Option<bool>("--token-stdin") { Description = "Revoke the token (access or refresh) read from stdin, the first line" };
        var command = new Command("revoke", "Revoke one token, or every token of a client or of a user; give exactly one of the options") { tokenId, clientId, owner, tokenStdin };
        command.Validators.Add(result =>
        {
            var given = (string.IsNullOrEmpty(result.GetValue(tokenId)) ? 0 : 1)
                + (string.IsNullOrEmpty(result.GetValue(clientId)) ? 0 : 1)
                + (string.IsNullOrEmpty(result.GetValue(owner)) ? 0 : 1)
                + (result.GetValue(tokenStdin) ? 1 : 0);
            if (given != 1)
            {
                result.AddError("give exactly one of --token-id, --client-id, --owner, --token-stdin");
            }
        });
        command.SetAction(CommandRunner.Run(async context =>
        {
            int revoked;
            if (context.Get(tokenId) is { Length: > 0 } id)
            {
                await context.Api.SendAsync(HttpMethod.Delete, $"/admin/v1/tokens/{Uri.EscapeDataString(id)}", context.CancellationToken);
                revoked = 1;
            }
            else
            {
                var request = context.Get(tokenStdin)
                    ? new TokenRevokeRequest(await SecretInput.ReadAsync("token"), null, null)
                    : new TokenRevokeRequest(null, NullIfEmpty(context.Get(clientId)), NullIfEmpty(context.Get(owner)));
                var answer = await context.Api.SendAsync(HttpMethod.Post, "/admin/v1/tokens/revoke", request, CliJsonContext.Default.TokenRevokeRequest, context.CancellationToken);
                revoked = answer!.Value.Deserialize(CliJsonContext.Default.TokenRevokeResponse)!.Revoked;
            }

            if (context.Json)
            {
                JsonOutput.Write(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("revoked", revoked);
                    writer.WriteEndObject();
                });
            }
            else
            {
                Console.Out.WriteLine($"revoked {revoked} token(s)");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RemoveExpiredCommand()
    {
        var command = new Command("remove-expired", "Remove expired tokens and codes from the store now (the gateway also sweeps on its own)");
        command.SetAction(CommandRunner.Run(async context =>
        {
            var answer = (await context.Api.SendAsync(HttpMethod.Post, "/admin/v1/tokens/remove-expired", context.CancellationToken))!.Value;
            if (context.Json)
            {
                JsonOutput.Write(answer);
            }
            else
            {
                Console.Out.WriteLine($"removed {answer.Deserialize(CliJsonContext.Default.TokenRemoveResponse)!.Removed} expired record(s)");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
