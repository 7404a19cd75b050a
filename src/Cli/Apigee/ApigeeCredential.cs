namespace FastGateway.Cli.Apigee;

/// <summary>One entry of an Apigee app's <c>credentials</c>: a consumer key and secret pair.</summary>
/// <param name="ConsumerKey">The consumer key: becomes client_id, unchanged.</param>
/// <param name="ConsumerSecret">The consumer secret: becomes client_secret, unchanged (stored hashed by the gateway).</param>
/// <param name="ExpiresAt">When the pair expires, Unix milliseconds; -1 = never.</param>
/// <param name="IssuedAt">When it was issued, Unix milliseconds (informational).</param>
/// <param name="Scopes">Scopes of this credential; empty = the app's.</param>
/// <param name="Status"><c>approved</c>, or <c>revoked</c>: a revoked credential is imported suspended.</param>
internal sealed record ApigeeCredential(
    string? ConsumerKey,
    string? ConsumerSecret,
    long? ExpiresAt,
    long? IssuedAt,
    IReadOnlyList<string>? Scopes,
    string? Status);
