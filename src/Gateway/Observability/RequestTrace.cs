using System.Diagnostics;
using Microsoft.Extensions.Primitives;

namespace FastGateway.Observability;

/// <summary>
/// A proxied request's W3C trace context (W3C Trace Context, <c>traceparent</c> and <c>tracestate</c>) and its request id:
/// what the upstream is sent, what the client gets back as <c>X-Request-Id</c>, what the access log writes.
/// </summary>
/// <remarks>
/// <code>
/// client traceparent valid? ──► parent = the client's context (its tracestate too, if well-formed)
/// gateway span sampled?     ──► upstream gets traceparent 00-{trace id}-{the span's id}-{the span's flags}
/// no span, client context   ──► upstream gets the client's context, re-written (the gateway is not a hop of the trace)
/// no span, none or malformed──► upstream gets a new context: random trace id and parent id, flags 00 (not sampled)
/// request id = the trace id (32 lowercase hex), in every case
/// </code>
/// The client's own <c>traceparent</c>, <c>tracestate</c> and <c>X-Request-Id</c> fields are never copied
/// (<c>RequestFieldPolicy.GatewayOwned</c>): what the upstream receives is always written by the gateway from parsed
/// values, so a malformed or hostile value never passes.
/// </remarks>
internal readonly struct RequestTrace
{
    /// <summary>Longest <c>tracestate</c> forwarded, in characters: W3C Trace Context section 3.3.1.5 lets a vendor
    /// propagate 512 and drop a longer one.</summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>Length of a version-00 <c>traceparent</c> value.</summary>
    public const int TraceParentLength = 55;

    private RequestTrace(ActivityTraceId traceId, ActivitySpanId parentId, ActivityTraceFlags flags, string? traceState, Activity? activity)
    {
        TraceId = traceId;
        ParentId = parentId;
        Flags = flags;
        TraceState = traceState;
        Activity = activity;
        RequestId = traceId.ToHexString(); // ActivityTraceId keeps its hex string: no new string
    }

    /// <summary>The trace id sent upstream.</summary>
    public ActivityTraceId TraceId { get; }

    /// <summary>The parent id sent upstream: the gateway span's id, or the client's parent id when there is no span.</summary>
    public ActivitySpanId ParentId { get; }

    /// <summary>The trace flags sent upstream (sampled or not).</summary>
    public ActivityTraceFlags Flags { get; }

    /// <summary>The <c>tracestate</c> sent upstream, or null.</summary>
    public string? TraceState { get; }

    /// <summary>The gateway's span, when a listener sampled it; null otherwise (then tracing costs nothing more).</summary>
    public Activity? Activity { get; }

    /// <summary>The request id: the trace id in 32 lowercase hex digits; null for a default value (nothing to send).</summary>
    public string? RequestId { get; }

    /// <summary>
    /// Reads the client's trace context and starts the gateway's span when a listener samples it (parented on the
    /// client's context when that is valid).
    /// </summary>
    /// <param name="headers">The client's request fields.</param>
    /// <param name="spanName">The span name, <c>{method} {route}</c>.</param>
    /// <param name="startTimestamp">When the request began (<see cref="Stopwatch.GetTimestamp"/>), or 0 for now.</param>
    public static RequestTrace Start(IHeaderDictionary headers, string spanName, long startTimestamp)
    {
        var hasParent = TryReadParent(headers.TraceParent, headers.TraceState, out var parent);
        if (GatewayTelemetry.ActivitySource.HasListeners())
        {
            var startTime = startTimestamp == 0 ? default : DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(startTimestamp);
            var activity = GatewayTelemetry.ActivitySource.StartActivity(spanName, ActivityKind.Server, parent, tags: null, links: null, startTime);
            if (activity is not null)
            {
                return new RequestTrace(activity.TraceId, activity.SpanId, activity.ActivityTraceFlags, activity.TraceStateString, activity);
            }
        }

        return hasParent
            ? new RequestTrace(parent.TraceId, parent.SpanId, parent.TraceFlags, parent.TraceState, null)
            : new RequestTrace(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, null, null);
    }

    /// <summary>Writes the <c>traceparent</c> value (W3C Trace Context section 3.2, version 00) into <paramref name="destination"/>.</summary>
    /// <returns>The characters written: <see cref="TraceParentLength"/>.</returns>
    public int FormatTraceParent(Span<char> destination)
    {
        "00-".CopyTo(destination);
        TraceId.ToHexString().CopyTo(destination[3..]);
        destination[35] = '-';
        ParentId.ToHexString().CopyTo(destination[36..]);
        destination[52] = '-';
        destination[53] = '0';
        destination[54] = (Flags & ActivityTraceFlags.Recorded) != 0 ? '1' : '0';
        return TraceParentLength;
    }

    // W3C Trace Context section 3.2: one traceparent; a second, or a malformed one, means none. Exactly 55 characters:
    // a later version's longer form is treated as none too (its parsing is a SHOULD, and the gateway writes version 00).
    // tracestate goes with a valid traceparent only, and only when it is a field value the gateway can write as is.
    private static bool TryReadParent(StringValues traceParent, StringValues traceState, out ActivityContext parent)
    {
        parent = default;
        if (traceParent.Count != 1 || traceParent[0] is not { Length: TraceParentLength })
        {
            return false;
        }

        var state = traceState.Count == 1 && IsForwardable(traceState[0]) ? traceState[0] : null;
        return ActivityContext.TryParse(traceParent[0], state, isRemote: true, out parent);
    }

    // Printable ASCII, within the length W3C lets a vendor propagate; anything else is dropped, not repaired.
    private static bool IsForwardable(string? value) =>
        value is { Length: > 0 and <= MaxTraceStateLength } && !value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E);
}
