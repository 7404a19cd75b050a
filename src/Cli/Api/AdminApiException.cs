namespace FastGateway.Cli.Api;

/// <summary>The gateway answered a non-success status; carries its JSON error (RFC 6749 section 5.2 shape).</summary>
internal sealed class AdminApiException(int status, string error, string? description)
    : Exception(description is null ? error : $"{error}: {description}")
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>The gateway's <c>error</c> code, or <c>http_{status}</c> when the body was not a JSON error.</summary>
    public string Error { get; } = error;

    /// <summary>The gateway's <c>error_description</c>, if any.</summary>
    public string? Description { get; } = description;
}
