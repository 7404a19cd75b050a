using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastGateway.Cli.Api;

/// <summary>Source-generated JSON for the admin API (snake_case, like the gateway), so the tool needs no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(ClientCreateRequest))]
[JsonSerializable(typeof(ClientSuspendRequest))]
[JsonSerializable(typeof(ClientInfo))]
[JsonSerializable(typeof(UserCreateRequest))]
[JsonSerializable(typeof(UserPasswordRequest))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(TokenInfo))]
[JsonSerializable(typeof(TokenRevokeRequest))]
[JsonSerializable(typeof(TokenRevokeResponse))]
[JsonSerializable(typeof(TokenRemoveResponse))]
[JsonSerializable(typeof(GatewaySettings))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
