using System.Text.Json.Serialization;

namespace FastGateway.Cli.Apigee;

/// <summary>
/// Source-generated JSON for Apigee's management API shapes (camelCase, as Apigee writes them); unknown members are
/// ignored, so a full app profile reads as is.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ApigeeApp))]
internal sealed partial class ApigeeJsonContext : JsonSerializerContext;
