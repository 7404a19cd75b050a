using FastGateway.Errors;
using FastGateway.Hosting;

namespace FastGateway.OAuth;

/// <summary>Reading OAuth form bodies safely.</summary>
internal static class OAuthForm
{
    /// <summary>Reads the form, answering 413 or 400 itself when the body is too large or malformed.</summary>
    /// <returns>The form, or null when an error response was written.</returns>
    public static async Task<IFormCollection?> ReadAsync(HttpContext context, long maxBodyBytes)
    {
        if (!await RequestBodyLimit.ApplyAsync(context, maxBodyBytes))
        {
            return null;
        }

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (RequestBodyLimit.IsExceeded(e))
        {
            await RequestBodyLimit.WriteTooLargeAsync(context, maxBodyBytes);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            await ErrorResponse.WriteAsync(context, 400, ErrorCodes.InvalidRequest, "the form body is malformed");
            return null;
        }
    }

    /// <summary>Gets a required parameter that must appear exactly once (RFC 6749 section 3.2).</summary>
    public static bool TryGetSingle(IFormCollection form, string name, out string value, out string problem)
    {
        var values = form[name];
        value = values.Count == 1 ? values[0] ?? "" : "";
        problem = values.Count switch
        {
            0 => $"missing {name}",
            > 1 => $"{name} was sent more than once",
            _ => value.Length == 0 ? $"missing {name}" : "",
        };
        return problem.Length == 0;
    }
}
