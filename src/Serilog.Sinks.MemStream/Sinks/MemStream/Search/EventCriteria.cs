using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Serilog.Sinks.MemStream.Search;

/// <summary>
/// The criteria of a checked <see cref="MemStreamQuery"/> that are read from an event itself: its time (read from the
/// stored bytes before anything is decoded), its template, its filter and its text.
/// </summary>
internal sealed class EventCriteria(MemStreamQuery query)
{
    readonly long _from = query.From?.ToUnixTimeMilliseconds() ?? long.MinValue;
    readonly long _to = query.To?.ToUnixTimeMilliseconds() ?? long.MaxValue;
    readonly FilterExpression? _filter = string.IsNullOrEmpty(query.Filter) ? null : FilterCache.Get(query.Filter);
    readonly string? _template = query.Template;
    readonly string? _text = string.IsNullOrEmpty(query.Text) ? null : query.Text;

    // The message as the page and the tool show it (strings unquoted), which is what an operator searches for.
    static readonly MessageTemplateTextFormatter Message = new("{Message:lj}", CultureInfo.InvariantCulture);
    [ThreadStatic] static StringWriter? _rendered;

    public long From => _from;

    public long To => _to;

    /// <summary>Whether a timestamp (Unix milliseconds) is in the query's range.</summary>
    public bool InTime(long timestamp) => timestamp >= _from && timestamp <= _to;

    static string Rendered(LogEvent logEvent)
    {
        var writer = _rendered ??= new StringWriter(CultureInfo.InvariantCulture);
        writer.GetStringBuilder().Clear();
        Message.Format(logEvent, writer);
        return writer.ToString();
    }

    /// <summary>Whether a decoded event passes the filter and holds the text; a filter that throws on it (a bad argument, a regex timeout) does not match.</summary>
    public bool Matches(LogEvent logEvent)
    {
        if (!InTime(logEvent.Timestamp.ToUnixTimeMilliseconds()))
            return false;
        if (_template is not null && !string.Equals(logEvent.MessageTemplate.Text, _template, StringComparison.Ordinal))
            return false;
        if (_text is not null && !Rendered(logEvent).Contains(_text, StringComparison.OrdinalIgnoreCase))
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
