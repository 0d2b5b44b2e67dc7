using System.Diagnostics;

namespace Serilog.Sinks.MemStream;

/// <summary>How text names a W3C trace id: the rules the store's queries, the endpoints and the tool share.</summary>
internal static class TraceIdText
{
    /// <summary>
    /// True when <paramref name="text"/> is a W3C trace id: 32 hexadecimal digits in any case, not all zero
    /// (W3C calls that invalid, and <see cref="ActivityTraceId"/> refuses it). The one form an id passed to
    /// <c>MemStream.Query</c> is read as a trace id in; anything else is a correlation id only.
    /// </summary>
    public static bool TryParse(string? text, out ActivityTraceId traceId)
    {
        traceId = default;
        if (text is not { Length: 32 } || !text.All(char.IsAsciiHexDigit) || text.All(c => c == '0'))
            return false;
        traceId = ActivityTraceId.CreateFromString(text.ToLowerInvariant());
        return true;
    }

    /// <summary>
    /// <see cref="TryParse"/>, or a whole <c>traceparent</c>, <c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c>,
    /// which is what ASP.NET Core's ProblemDetails show as <c>traceId</c> (<c>Activity.Id</c>): for input that
    /// is a trace id by its name (a <c>traceId</c> parameter), so that users can paste it as they find it.
    /// Elsewhere that text may well be a correlation id (apps use <c>Activity.Id</c> as one), so it is not read so.
    /// </summary>
    public static bool TryParseTraceIdOrTraceparent(string? text, out ActivityTraceId traceId)
    {
        if (text is { Length: 55 } && text.StartsWith("00-", StringComparison.Ordinal) && text[35] == '-' && text[52] == '-'
            && !text.AsSpan(36, 16).ContainsAnyExcept("0123456789abcdefABCDEF")
            && !text.AsSpan(53, 2).ContainsAnyExcept("0123456789abcdefABCDEF"))
            text = text.Substring(3, 32);
        return TryParse(text, out traceId);
    }

    /// <summary>The event's trace id when it has a real one (Serilog leaves it null outside an <see cref="Activity"/>).</summary>
    public static ActivityTraceId? Of(Serilog.Events.LogEvent logEvent) =>
        logEvent.TraceId is { } traceId && traceId != default ? traceId : null;
}
