namespace FastGateway.Tests.Adversarial;

/// <summary>How the forwarded request must be framed.</summary>
public enum Framing
{
    /// <summary>No Content-Length and no Transfer-Encoding.</summary>
    None,

    /// <summary>Exactly one framing field: Content-Length matching the body, or Transfer-Encoding: chunked.</summary>
    One,

    /// <summary>Exactly one framing field, and it is Content-Length (matching the body).</summary>
    ContentLength,
}
