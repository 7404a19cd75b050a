using FastGateway.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace FastGateway.Hosting;

/// <summary>Per-endpoint request-body limits, answered with 413 and a JSON body.</summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// Lowers Kestrel's body limit for this request to <paramref name="maxBodyBytes"/> and refuses a
    /// declared Content-Length above it at once.
    /// </summary>
    /// <returns>false when a 413 was written.</returns>
    public static async Task<bool> ApplyAsync(HttpContext context, long maxBodyBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBodyBytes;
        }

        if (context.Request.ContentLength > maxBodyBytes)
        {
            await WriteTooLargeAsync(context, maxBodyBytes);
            return false;
        }

        return true;
    }

    /// <summary>Whether Kestrel stopped reading because the (chunked) body went over the limit.</summary>
    public static bool IsExceeded(BadHttpRequestException exception) => exception.StatusCode == StatusCodes.Status413PayloadTooLarge;

    /// <summary>Writes the 413 answer.</summary>
    public static Task WriteTooLargeAsync(HttpContext context, long maxBodyBytes) =>
        ErrorResponse.WriteAsync(context, 413, ErrorCodes.RequestTooLarge, $"the body is larger than {maxBodyBytes} bytes");
}
