using BenchmarkDotNet.Attributes;
using FastGateway.Validation;
using FastGateway.Contracts;
using FastGateway.Generated;
using FastGateway.TokenStore;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Benchmarks;

/// <summary>
/// Each stage of a protected request's validation, and the whole path (<see cref="AccessValidator.Validate"/>) as
/// the baseline, for an allowed <c>GET /timetravels/bookings/42</c> with a client-credentials token that is in
/// FASTER's in-memory log. Every stage must allocate 0 bytes. The user-token rows repeat the standing check and the
/// whole path for a token with an owner and a grant family (authorization-code and password grants).
/// </summary>
/// <remarks>
/// <code>
/// ParseTarget ──► ParseAuthorization ──► MatchRoute ──► ComputeTokenHash ──► LookupToken ──► CheckStanding ──► CheckScope
///                 └──────────────────────── Validate (baseline: all of them but ParseTarget, in the gateway's order) ─┘
/// </code>
/// A user token adds, inside CheckStanding, a users-registry lookup, the family key (TokenHash.ForFamily: the id plus a tag, no hash) and a
/// FASTER read of the grant-family record. The quota rows repeat the whole path for a client with a <c>rate_limit</c>:
/// <c>ValidateWithQuota</c> allowed (one compare-and-swap on the client's bucket), <c>ValidateRateLimited</c> refused
/// (the bucket is empty; what a client over its quota costs before its 429).
/// Results are returned (not discarded) so the JIT cannot remove the work.
/// </remarks>
[MemoryDiagnoser]
public class ValidationPathBenchmarks
{
    // Fields, not constants, so the JIT cannot fold the route match for a literal path.
    private readonly string _path = "/timetravels/bookings/42";
    private readonly string _escapedPath = "/timetravels/bookings/4%32?x=%41";
    private readonly HttpMethodKind _method = HttpMethodKind.Get;
    private BenchmarkGateway _gateway = null!;
    private string _header = null!;
    private StringValues _authorization;
    private string _token = null!;
    private TokenHash _key;
    private TokenRecord _record;
    private ulong _requiredScopes;
    private StringValues _userAuthorization;
    private TokenRecord _userRecord;
    private StringValues _quotaAuthorization;
    private StringValues _exhaustedAuthorization;

    /// <summary>Opens a real store in a temp folder and stores a client token and a user token (and its family) durably.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gateway = BenchmarkGateway.OpenAsync().GetAwaiter().GetResult();
        _token = _gateway.IssueAsync().GetAwaiter().GetResult();
        _header = "Bearer " + _token;
        _authorization = _header;
        if (!TokenHash.TryCompute(_token, out _key) || !_gateway.Store.TryGet(_key, out _record))
        {
            throw new InvalidOperationException("The benchmark token is not in the store.");
        }

        var userToken = _gateway.IssueAsync(user: true).GetAwaiter().GetResult();
        _userAuthorization = "Bearer " + userToken;
        if (!TokenHash.TryCompute(userToken, out var userKey) || !_gateway.Store.TryGet(userKey, out _userRecord) || !_userRecord.HasFamily)
        {
            throw new InvalidOperationException("The benchmark user token is not in the store.");
        }

        _quotaAuthorization = "Bearer " + _gateway.IssueAsync(clientId: BenchmarkGateway.QuotaClientId).GetAwaiter().GetResult();
        _exhaustedAuthorization = "Bearer " + _gateway.IssueAsync(clientId: BenchmarkGateway.ExhaustedClientId).GetAwaiter().GetResult();
        if (_gateway.Validator.Validate(_method, _path, _quotaAuthorization, out _, out _, out _) != AccessDecision.Allowed
            || _gateway.Validator.Validate(_method, _path, _exhaustedAuthorization, out _, out _, out _) != AccessDecision.Allowed
            || _gateway.Validator.Validate(_method, _path, _exhaustedAuthorization, out _, out _, out _) != AccessDecision.RateLimited)
        {
            throw new InvalidOperationException("The quota clients do not behave as the benchmarks assume.");
        }

        var route = GatewayDefinition.Match(_method, _path);
        _requiredScopes = route.RequiredScopes;
        if (route.Status != RouteMatchStatus.Matched
            || _gateway.Validator.Validate(_method, _path, _authorization, out _, out _, out _) != AccessDecision.Allowed
            || _gateway.Validator.Validate(_method, _path, _userAuthorization, out _, out var identity, out _) != AccessDecision.Allowed
            || identity.Owner != BenchmarkGateway.Username)
        {
            throw new InvalidOperationException("The benchmark request is not allowed: the numbers would measure a refusal.");
        }
    }

    /// <summary>Disposes the store and deletes its folder.</summary>
    [GlobalCleanup]
    public void Cleanup() => _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The raw request-target checked and split (<see cref="FastGateway.Proxy.RequestTarget.TryParse"/>): RFC 3986
    /// grammar, the path policy's octet kinds; the match path is the raw path itself (no escape).</summary>
    [Benchmark]
    public int ParseTarget() => (int)FastGateway.Proxy.RequestTarget.TryParse(_path, default, out _, out var match, out _) + match.Length;

    /// <summary>As <see cref="ParseTarget"/> for a target with escapes: the match path is decoded into the stack buffer.</summary>
    [Benchmark]
    public int ParseEscapedTarget()
    {
        Span<char> scratch = stackalloc char[FastGateway.Proxy.RequestTarget.StackPathChars];
        return (int)FastGateway.Proxy.RequestTarget.TryParse(_escapedPath, scratch, out _, out var match, out _) + match.Length;
    }

    /// <summary>RFC 6750 bearer parse of the Authorization header (<see cref="BearerToken.TryParse"/>).</summary>
    [Benchmark]
    public int ParseAuthorization() => BearerToken.TryParse(_header, out var token) == BearerParseStatus.Ok ? token.Length : -1;

    /// <summary>Route match in the generated tables (<see cref="GatewayDefinition.Match"/>).</summary>
    [Benchmark]
    public int MatchRoute() => GatewayDefinition.Match(_method, _path).ResourceIndex;

    /// <summary>SHA-256 of the token's text, the store key (<see cref="TokenHash.TryCompute"/>).</summary>
    [Benchmark]
    public long ComputeTokenHash() => TokenHash.TryCompute(_token, out var key) ? key.GetHashCode64() : 0;

    /// <summary>FASTER read of an in-memory record on a pooled session (<see cref="FasterTokenStore.TryGet"/>).</summary>
    [Benchmark]
    public long LookupToken() => _gateway.Store.TryGet(_key, out var record) ? record.ExpiresAt : 0;

    /// <summary>Client registry lookup by UTF-8 client_id and grant-family check (<see cref="TokenStanding.IsActive(in TokenStore.TokenRecord)"/>).</summary>
    [Benchmark]
    public bool CheckStanding() => _gateway.Standing.IsActive(_record);

    /// <summary>Scope mask in current table bits, intersected with the route's required scopes.</summary>
    [Benchmark]
    public bool CheckScope() => (_gateway.Scopes.ToCurrent(_record.Scopes, _record.ScopeSchemaId) & _requiredScopes) != 0;

    /// <summary>The whole validation path (<see cref="AccessValidator.Validate"/>): every stage above, plus the expiry check.</summary>
    [Benchmark(Baseline = true)]
    public int Validate() => (int)_gateway.Validator.Validate(_method, _path, _authorization, out _, out _, out _);

    /// <summary>As <see cref="CheckStanding"/> for a user token: client and users registry lookups, and the FASTER read of its grant-family record.</summary>
    [Benchmark]
    public bool CheckStandingUserToken() => _gateway.Standing.IsActive(_userRecord);

    /// <summary>As <see cref="Validate"/> for a user token (owner and grant family).</summary>
    [Benchmark]
    public int ValidateUserToken() => (int)_gateway.Validator.Validate(_method, _path, _userAuthorization, out _, out _, out _);

    /// <summary>As <see cref="Validate"/> for a client with a quota it does not reach: the path plus one CAS on the client's bucket.</summary>
    [Benchmark]
    public int ValidateWithQuota() => (int)_gateway.Validator.Validate(_method, _path, _quotaAuthorization, out _, out _, out _);

    /// <summary>As <see cref="Validate"/> for a client over its quota: the whole path, then the refusal (429).</summary>
    [Benchmark]
    public int ValidateRateLimited() => (int)_gateway.Validator.Validate(_method, _path, _exhaustedAuthorization, out _, out _, out _);
}
