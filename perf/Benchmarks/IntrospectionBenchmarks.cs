using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FastGateway.Json;
using FastGateway.OAuth;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastGateway.Benchmarks;

/// <summary>
/// RFC 7662 introspection of an active user token (owner and grant family: the richest answer), at the level of
/// <see cref="IntrospectionEndpoint.Introspect"/>, which the endpoint calls after client authentication: hash, FASTER
/// lookup, standing (client, owner, grant family), and the response record. The second benchmark adds what the
/// endpoint does next, writing the response as JSON (the gateway's source-generated context) into a reused buffer.
/// </summary>
/// <remarks>
/// Not included: form parsing, client authentication (secret verification), headers and the socket write.
/// The response holds new strings (client_id, username, scope), so this path allocates by design: see
/// <c>perf/alloc-budget.json</c> for its gated budget.
/// </remarks>
[MemoryDiagnoser]
#pragma warning disable CA1001 // The writer lives from GlobalSetup to GlobalCleanup, which disposes it: BenchmarkDotNet's lifecycle, not IDisposable.
public class IntrospectionBenchmarks
#pragma warning restore CA1001
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private BenchmarkGateway _gateway = null!;
    private IntrospectionEndpoint _endpoint = null!;
    private Utf8JsonWriter _writer = null!;
    private string _token = null!;

    /// <summary>Opens a real store in a temp folder and stores a user token and its grant family durably.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gateway = BenchmarkGateway.OpenAsync().GetAwaiter().GetResult();
        _token = _gateway.IssueAsync(user: true).GetAwaiter().GetResult();
        // The authenticator is not used by Introspect (the endpoint authenticates before calling it).
        _endpoint = new IntrospectionEndpoint(null!, _gateway.Store, _gateway.Standing, _gateway.Scopes, TimeProvider.System, NullLogger<IntrospectionEndpoint>.Instance);
        _writer = new Utf8JsonWriter(_buffer);
        if (_endpoint.Introspect(_token, out _) is not { Active: true, Username: BenchmarkGateway.Username })
        {
            throw new InvalidOperationException("The benchmark token does not introspect as active: the numbers would measure {\"active\":false}.");
        }
    }

    /// <summary>Disposes the store and deletes its folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The introspection decision and response record (<see cref="IntrospectionEndpoint.Introspect"/>).</summary>
    [Benchmark(Baseline = true)]
    public bool Introspect() => _endpoint.Introspect(_token, out _).Active;

    /// <summary><see cref="Introspect"/>, then the response written as JSON, as the endpoint sends it.</summary>
    [Benchmark]
    public int IntrospectAndWriteJson()
    {
        var response = _endpoint.Introspect(_token, out _);
        _buffer.ResetWrittenCount();
        _writer.Reset();
        JsonSerializer.Serialize(_writer, response, GatewayJsonContext.Default.IntrospectionResponse);
        return _buffer.WrittenCount;
    }
}
