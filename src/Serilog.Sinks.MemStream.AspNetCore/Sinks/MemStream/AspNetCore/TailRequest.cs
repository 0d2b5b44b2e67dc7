using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serilog.Events;
using Serilog.Sinks.MemStream.Search;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// What a WebSocket client asked for: <c>minLevel</c>, <c>correlationId</c>, <c>traceId</c>, <c>filter</c>,
/// <c>format</c>, <c>after</c>, <c>batch</c>, <c>status</c> (periodic status frames, see <see cref="StatusFrames"/>); and <c>fleet</c> (every instance's events, from a fleet's stream)
/// with <c>afterId</c> (resume after a stream id) in place of <c>after</c>.
/// </summary>
internal sealed record TailRequest(LogEventLevel MinLevel, string? CorrelationId, ActivityTraceId? TraceId, FilterExpression? Filter, bool Clef, long? After, bool Batch,
    bool Fleet = false, FleetStreamPosition? AfterId = null, bool Status = false)
{
    public static TailRequest? Parse(IQueryCollection query, out string? error)
    {
        var parameters = new QueryParameters(query);
        var minLevel = parameters.Level("minLevel");
        var correlationId = parameters.Text("correlationId");
        var traceId = parameters.TraceId("traceId");
        var format = parameters.Choice("format", "text", "text", "clef");
        var after = parameters.Sequence("after");
        var batch = parameters.Choice("batch", "false", "false", "true") == "true";
        var fleet = parameters.Choice("fleet", "false", "false", "true") == "true";
        var status = parameters.Choice("status", "false", "false", "true") == "true";
        var afterId = parameters.StreamPosition("afterId");
        if (fleet && after is not null)
            parameters.Refuse("The query parameter 'after' resumes one instance's tail; a fleet tail (fleet=true) resumes with 'afterId', the stream id its frames carry in 'id'.");
        if (!fleet && afterId is not null)
            parameters.Refuse("The query parameter 'afterId' resumes a fleet tail; add fleet=true, or resume this instance's tail with 'after'.");
        FilterExpression? filter = null;
        if (parameters.Text("filter") is { Length: > 0 } expression && (filter = FilterExpression.TryCreate(expression, out var problem)) is null)
            parameters.Fail("filter", problem!, expression, 0);

        error = parameters.Error;
        return error is null
            ? new TailRequest(minLevel, string.IsNullOrEmpty(correlationId) ? null : correlationId, traceId, filter, format == "clef", after, batch, fleet, afterId, status)
            : null;
    }

    /// <summary>Whether the client wants the event; throws what a failing filter throws.</summary>
    public bool Wants(LogEvent logEvent, string correlationIdProperty) =>
        (CorrelationId is null || CorrelationIdText.Of(logEvent, correlationIdProperty) == CorrelationId)
        && (TraceId is null || logEvent.TraceId == TraceId)
        && (Filter is null || Filter.Matches(logEvent));
}
