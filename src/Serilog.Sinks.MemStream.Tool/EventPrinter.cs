using Serilog.Events;
using Serilog.Formatting.Compact;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>Prints events as coloured text lines, or as CLEF (one JSON object a line).</summary>
sealed class EventPrinter(IAnsiConsole console, bool json)
{
    readonly CompactJsonFormatter _clef = new();

    public void Print(LogEvent logEvent)
    {
        if (json)
        {
            var text = new StringWriter();
            _clef.Format(logEvent, text);
            console.Profile.Out.Writer.Write(text.ToString());
            return;
        }
        Print(logEvent.Timestamp, logEvent.Level.ToString(), logEvent.RenderMessage() + (logEvent.Exception is null ? "" : Environment.NewLine + logEvent.Exception));
    }

    public void Print(DateTimeOffset timestamp, string level, string text)
    {
        console.MarkupLine($"[grey]{timestamp:yyyy-MM-dd HH:mm:ss.fff}[/] [{Colour(level)}]{Abbreviation(level)}[/] {Markup.Escape(text.TrimEnd())}");
    }

    public void Notice(string text) => console.MarkupLine($"[yellow]! {Markup.Escape(text)}[/]");

    static string Colour(string level) => level switch
    {
        "Verbose" => "grey", "Debug" => "silver", "Information" => "deepskyblue1",
        "Warning" => "yellow", "Error" => "red", "Fatal" => "magenta1", _ => "white",
    };

    static string Abbreviation(string level) => level switch
    {
        "Verbose" => "VRB", "Debug" => "DBG", "Information" => "INF",
        "Warning" => "WRN", "Error" => "ERR", "Fatal" => "FTL", _ => level,
    };
}
