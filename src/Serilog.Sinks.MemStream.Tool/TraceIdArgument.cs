namespace Serilog.Sinks.MemStream.Tool;

/// <summary>
/// The <c>&lt;id&gt;</c> of <c>memstream query</c>: a whole traceparent (as a ProblemDetails body shows it,
/// <c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c>) is taken as the trace id it names; anything else as it is.
/// (<c>MemStream.Query</c> itself reads a traceparent as a correlation id; the tool's argument is for people.)
/// </summary>
static class TraceIdArgument
{
    public static string Normalize(string id) =>
        id.Length > 32 && TraceIdText.TryParseTraceIdOrTraceparent(id, out var traceId) ? traceId.ToHexString() : id;
}
