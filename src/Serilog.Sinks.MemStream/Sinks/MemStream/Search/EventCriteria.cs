using System.Globalization;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Search;

/// <summary>
/// The criteria of a checked <see cref="MemStreamQuery"/> that are read from an event itself: its time (read from the
/// stored bytes before anything is decoded), its filter and its text.
/// </summary>
internal sealed class EventCriteria(MemStreamQuery query)
{
    readonly long _from = query.From?.ToUnixTimeMilliseconds() ?? long.MinValue;
    readonly long _to = query.To?.ToUnixTimeMilliseconds() ?? long.MaxValue;
    readonly FilterExpression? _filter = query.CompiledFilter;
    readonly string? _text = string.IsNullOrEmpty(query.Text) ? null : query.Text;

    public long From => _from;

    public long To => _to;

    /// <summary>Whether a timestamp (Unix milliseconds) is in the query's range.</summary>
    public bool InTime(long timestamp) => timestamp >= _from && timestamp <= _to;

    /// <summary>Whether a decoded event passes the filter and holds the text; a filter that throws on it (a bad argument, a regex timeout) does not match.</summary>
    public bool Matches(LogEvent logEvent)
    {
        if (!InTime(logEvent.Timestamp.ToUnixTimeMilliseconds()))
            return false;
        if (_text is not null && !logEvent.RenderMessage(CultureInfo.InvariantCulture).Contains(_text, StringComparison.OrdinalIgnoreCase))
            return false;
        try
        {
            return _filter is null || _filter.Matches(logEvent);
        }
        catch (Exception)
        {
            return false;
        }
    }
}
