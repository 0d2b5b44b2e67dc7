using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>
/// Prints events as coloured text lines, or as CLEF (one JSON object a line). Log text is made safe
/// for the terminal (<see cref="TerminalText"/>) unless <paramref name="raw"/>. An event from one of
/// several instances is labelled with it. Safe to share between several tails printing at once. With a
/// <paramref name="template"/> (a Serilog output template, <c>--template</c>), each event is that template's
/// rendering, uncoloured, instead of the time, level and message.
/// </summary>
sealed class EventPrinter(IAnsiConsole console, bool json, bool raw, string? template = null)
{
    readonly CompactJsonFormatter _clef = new();
    // Strings as they are, structures as JSON: as the live-tail page shows a message.
    readonly MessageTemplateTextFormatter _message = new("{Message:lj}", System.Globalization.CultureInfo.InvariantCulture);
    readonly MessageTemplateTextFormatter? _template = template is null ? null : new(template, System.Globalization.CultureInfo.InvariantCulture);
    readonly Lock _printing = new();
    const string DefaultCorrelationIdProperty = "CorrelationId";

    /// <summary>Whether events are printed as CLEF.</summary>
    public bool Json => json;

    /// <summary>
    /// Prints one event. <paramref name="correlationId"/> is the id an endpoint's frame names (under the app's own
    /// property name); without it, the <c>CorrelationId</c> property's.
    /// </summary>
    public void Print(LogEvent logEvent, string? instance = null, string? correlationId = null)
    {
        if (json)
        {
            var text = new StringWriter();
            _clef.Format(logEvent, text);
            PrintJson(text.ToString().TrimEnd());
            return;
        }
        if (_template is not null)
        {
            var line = new StringWriter();
            _template.Format(logEvent, line);
            var label = instance is null ? "" : Safe(instance) + " ";
            lock (_printing)
                console.Profile.Out.Writer.WriteLine(label + Safe(line.ToString().TrimEnd()));
            return;
        }
        var message = new StringWriter();
        _message.Format(logEvent, message);
        // The ids as the page shows them: the correlation id, and the start of the trace id.
        var ids = string.Join(' ', new[] { correlationId ?? CorrelationIdOf(logEvent), logEvent.TraceId?.ToHexString()[..8] }.Where(id => !string.IsNullOrEmpty(id)));
        Print(logEvent.Timestamp, logEvent.Level.ToString(), message + (logEvent.Exception is null ? "" : Environment.NewLine + logEvent.Exception), instance, ids);
    }

    public void Print(DateTimeOffset timestamp, string level, string text, string? instance = null, string ids = "")
    {
        var label = instance is null ? "" : $"[teal]{Markup.Escape(Safe(instance))}[/] ";
        var idText = ids.Length == 0 ? "" : $" [grey]{Markup.Escape(Safe(ids))}[/]";
        lock (_printing)
            console.MarkupLine($"[grey]{timestamp:yyyy-MM-dd HH:mm:ss.fff}[/] {label}[{Colour(level)}]{Markup.Escape(Safe(Abbreviation(level)))}[/]{idText} {Markup.Escape(Safe(text.TrimEnd()))}");
    }

    static string? CorrelationIdOf(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(DefaultCorrelationIdProperty, out var value) && value is ScalarValue { Value: string id } ? id : null;

    /// <summary>One JSON object on a line of its own.</summary>
    public void PrintJson(string json)
    {
        lock (_printing)
            console.Profile.Out.Writer.WriteLine(raw ? json : TerminalText.Json(json));
    }

    public void Notice(string text)
    {
        lock (_printing)
            console.MarkupLine($"[yellow]! {Markup.Escape(Safe(text))}[/]");
    }

    string Safe(string text) => raw ? text : TerminalText.Line(text);

    static string Colour(string level) => level switch
    {
        "Verbose" => "grey",
        "Debug" => "silver",
        "Information" => "deepskyblue1",
        "Warning" => "yellow",
        "Error" => "red",
        "Fatal" => "magenta1",
        _ => "white",
    };

    static string Abbreviation(string level) => level switch
    {
        "Verbose" => "VRB",
        "Debug" => "DBG",
        "Information" => "INF",
        "Warning" => "WRN",
        "Error" => "ERR",
        "Fatal" => "FTL",
        _ => level,
    };
}
