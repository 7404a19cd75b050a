using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Apigee;

/// <summary>What the import does with one Apigee credential.</summary>
/// <param name="ClientId">The consumer key, or "-" when it is missing.</param>
/// <param name="AppName">The app's name.</param>
/// <param name="Request">The registration to send (client_id and client_secret unchanged); null when skipped.</param>
/// <param name="Suspend">Whether the client is suspended right after (the app or credential is not approved).</param>
/// <param name="Skip">Why the credential is not imported (expired, no key or secret); null when it is.</param>
internal sealed record ApigeeImportItem(string ClientId, string AppName, ClientMetadataRequest? Request, bool Suspend, string? Skip);
