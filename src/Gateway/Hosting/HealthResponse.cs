namespace FastGateway.Hosting;

/// <summary>Body of <c>/healthz</c> and <c>/readyz</c>.</summary>
/// <param name="Status"><c>live</c>, <c>ready</c> or <c>not_ready</c>.</param>
internal sealed record HealthResponse(string Status);
