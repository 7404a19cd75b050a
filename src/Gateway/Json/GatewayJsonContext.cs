using System.Text.Json.Serialization;
using FastGateway.Contracts.Admin;
using FastGateway.Authorize;
using FastGateway.Clients;
using FastGateway.Errors;
using FastGateway.Hosting;
using FastGateway.OAuth;
using FastGateway.Scopes;
using FastGateway.Users;

namespace FastGateway.Json;

/// <summary>
/// Source-generated JSON metadata for every type FastGateway reads or writes (no reflection, so
/// trimming and Native AOT are safe). Names are snake_case, as the OAuth RFCs spell them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ApigeeTokenResponse))]
[JsonSerializable(typeof(SecretRotationRequest))]
[JsonSerializable(typeof(ClientMetadataRequest))]
[JsonSerializable(typeof(ClientInformationResponse))]
[JsonSerializable(typeof(List<OAuthClient>))]
[JsonSerializable(typeof(List<ResourceOwner>))]
[JsonSerializable(typeof(UserCreateRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(ScopeSchemaHistory))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(IntrospectionResponse))]
[JsonSerializable(typeof(AuthorizationServerMetadata))]
[JsonSerializable(typeof(AuthorizationRequest))]
[JsonSerializable(typeof(ClientPatchRequest))]
[JsonSerializable(typeof(ClientListResponse))]
[JsonSerializable(typeof(List<DeletedClient>))]
[JsonSerializable(typeof(UserPatchRequest))]
[JsonSerializable(typeof(UserListResponse))]
[JsonSerializable(typeof(GatewaySettings))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(TokenRevokeRequest))]
[JsonSerializable(typeof(TokenRevokeResponse))]
[JsonSerializable(typeof(TokenRemoveResponse))]
[JsonSerializable(typeof(DefinitionResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
