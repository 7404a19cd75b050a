using System.Text.Json;
using FastGateway.Errors;
using FastGateway.Hosting;

namespace FastGateway.Admin;

/// <summary>Reading admin JSON bodies safely.</summary>
internal static class AdminJson
{
    /// <summary>Reads and deserializes a JSON body, answering 400/413/415 itself on bad input.</summary>
    /// <returns>The value, or null when an error response was written.</returns>
    public static async Task<T?> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, long maxBodyBytes)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            await ErrorResponse.WriteAsync(context, 415, ErrorCodes.InvalidRequest, "the body must be application/json");
            return null;
        }

        if (!await RequestBodyLimit.ApplyAsync(context, maxBodyBytes))
        {
            return null;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted);
            if (value is null)
            {
                await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "the body must be a JSON object");
            }

            return value;
        }
        catch (JsonException e)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, $"the body is not valid: {e.Message}");
            return null;
        }
        catch (BadHttpRequestException e) when (RequestBodyLimit.IsExceeded(e))
        {
            await RequestBodyLimit.WriteTooLargeAsync(context, maxBodyBytes);
            return null;
        }
    }
}
