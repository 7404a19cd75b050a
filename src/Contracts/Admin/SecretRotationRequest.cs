namespace FastGateway.Contracts.Admin;

/// <summary>
/// Optional body of <c>POST /admin/v1/clients/{client_id}/secret</c> (the same value may come as
/// <c>?grace_seconds=</c>). Unknown fields are refused.
/// </summary>
/// <param name="GraceSeconds">
/// How long the previous secret keeps working beside the new one, in seconds (0-2592000, 30 days); 0 or absent:
/// it stops at once. Lets the deployed clients pick up the new secret without an outage.
/// </param>
public sealed record SecretRotationRequest(int? GraceSeconds);
