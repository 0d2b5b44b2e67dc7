using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Serilog.Events;
using Serilog.Sinks.MemStream.Search;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Reads the endpoints' query-string parameters. Every rejection names the parameter and what it
/// accepts, and becomes a 400; nothing a client sends can cause a 500.
/// </summary>
internal sealed class QueryParameters(IQueryCollection query)
{
    public string? Error { get; private set; }

    /// <summary>The parameter's value; null when absent. A parameter given twice is refused: which one counts would be a guess.</summary>
    public string? Text(string name)
    {
        if (!query.TryGetValue(name, out var values))
            return null;
        if (values.Count > 1)
            return Fail<string?>(name, "is given more than once; give it once", string.Join(", ", values.ToArray()), null);
        return values.ToString();
    }

    public LogEventLevel Level(string name, LogEventLevel fallback = LogEventLevel.Verbose)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        // Names only: Enum.TryParse would also take numbers, padding and comma-separated lists ("Debug,Error").
        foreach (var level in Enum.GetValues<LogEventLevel>())
        {
            if (string.Equals(level.ToString(), text, StringComparison.OrdinalIgnoreCase))
                return level;
        }
        return Fail(name, $"must be one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}", text, fallback);
    }

    public long? Sequence(string name)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return value;
        return Fail<long?>(name, "must be a sequence number (0 or more)", text, null);
    }

    public int Count(string name, int fallback, int max)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
            return value;
        return Fail(name, $"must be a whole number from 1 to {max}", text, fallback);
    }

    public string Choice(string name, string fallback, params string[] allowed)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return fallback;
        var match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        return match ?? Fail(name, $"must be one of {string.Join(", ", allowed)}", text, fallback);
    }

    /// <summary>A W3C trace id (32 hexadecimal digits, in any case, or a whole traceparent); null when absent.</summary>
    public ActivityTraceId? TraceId(string name)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return null;
        if (TraceIdText.TryParseTraceIdOrTraceparent(text, out var traceId))
            return traceId;
        return Fail<ActivityTraceId?>(name, "must be a W3C trace id: 32 hexadecimal digits, not all zero (or a traceparent, 00-<trace id>-<span id>-<flags>, as ProblemDetails show it)", text, null);
    }

    /// <summary>A place in a fleet's stream, as fleet frames carry it in <c>id</c>; null when absent.</summary>
    public FleetStreamPosition? StreamPosition(string name)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return null;
        if (FleetStreamPosition.TryParse(text, out var position))
            return position;
        return Fail<FleetStreamPosition?>(name, "must be an id as fleet frames carry it (<milliseconds>-<sequence>-<index>, such as 1764316800000-0-12, or a stream entry's <milliseconds>-<sequence>)", text, null);
    }

    /// <summary>
    /// A moment: ISO 8601 (<c>2026-12-03T10:00:00Z</c>; without an offset, UTC) or a time before <paramref name="now"/>
    /// (<c>90s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>, see <see cref="RelativeTime"/>); null when absent.
    /// </summary>
    public DateTimeOffset? Time(string name, DateTimeOffset now)
    {
        var text = Text(name);
        if (string.IsNullOrEmpty(text))
            return null;
        if (RelativeTime.TryParseTime(text, now, out var time))
            return time;
        return Fail<DateTimeOffset?>(name, $"must be a time: ISO 8601 such as 2026-12-03T10:00:00Z, or a time ago such as 15m, 1h or 2d (at most {RelativeTime.MaxDays} days)", text, null);
    }

    /// <summary>Refuses the request with a message about parameters together (the first error stands).</summary>
    public void Refuse(string message) => Error ??= message;

    public T Fail<T>(string name, string rule, string given, T fallback)
    {
        Error ??= $"The query parameter '{name}' {rule}; got '{Shorten(given)}'.";
        return fallback;
    }

    static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
