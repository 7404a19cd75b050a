namespace FastGateway.Hosting;

/// <summary>Body of <c>/healthz</c> and <c>/readyz</c>.</summary>
/// <param name="Status"><c>live</c>, <c>ready</c>, <c>not_ready</c> or <c>draining</c> (stopping for a successor).</param>
internal sealed record HealthResponse(string Status);
