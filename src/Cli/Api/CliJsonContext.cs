using System.Text.Json;
using System.Text.Json.Serialization;
using FastGateway.Contracts.Admin;

namespace FastGateway.Cli.Api;

/// <summary>
/// Source-generated JSON for the admin API (snake_case, like the gateway), so the tool needs no reflection. The wire
/// types are the gateway's own (FastGateway.Contracts.Admin); the policy is the tool's: unknown members are ignored
/// (no UnmappedMemberHandling.Disallow, unlike the gateway) and null members are not written, so a PATCH carries only
/// the members that were set.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(ClientMetadataRequest))]
[JsonSerializable(typeof(ClientPatchRequest))]
[JsonSerializable(typeof(ClientInformationResponse))]
[JsonSerializable(typeof(SecretRotationRequest))]
[JsonSerializable(typeof(UserCreateRequest))]
[JsonSerializable(typeof(UserPatchRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(TokenInfo))]
[JsonSerializable(typeof(TokenRevokeRequest))]
[JsonSerializable(typeof(TokenRevokeResponse))]
[JsonSerializable(typeof(TokenRemoveResponse))]
[JsonSerializable(typeof(GatewaySettings))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(RateLimit))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
