using Serilog.Sinks.MemStream.Search;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>
/// <c>search</c>: stored events of every id that meet the criteria, newest first, page after page up to <c>--limit</c>;
/// <c>problems</c>: the events at Warning and above (or the level given) grouped by message template, as a table.
/// </summary>
static class SearchCommand
{
    /// <summary>How many events <c>problems</c> groups at most: beyond that the table says it stopped.</summary>
    public const int ProblemsMaxEvents = 100_000;

    public static async Task<int> SearchAsync(IAnsiConsole console, SearchSource source, MemStreamQuery query, int limit, EventPrinter printer, CancellationToken cancel)
    {
        var printed = 0;
        var unreadable = 0;
        long? next = null;
        do
        {
            var page = await source.PageAsync(query with { Before = next, Limit = Math.Min(MemStreamQuery.MaxLimit, limit - printed) }, cancel);
            foreach (var found in page.Events)
            {
                if (found.Clef is { } clef && printer.Json)
                    printer.PrintJson(clef);
                else
                    printer.Print(found.LogEvent, found.Instance, found.CorrelationId);
                printed++;
            }
            foreach (var notice in page.Notices)
                printer.Notice(notice);
            unreadable += page.Unreadable;
            next = page.Next;
        }
        while (next is not null && printed < limit && !cancel.IsCancellationRequested);

        if (unreadable > 0)
            printer.Notice($"{unreadable} events in the answers did not read as MemStream writes them, and were left out");
        if (!printer.Json)
        {
            if (printed == 0)
                console.MarkupLine("[grey]No stored events match.[/]");
            else if (next is not null)
                console.MarkupLine($"[grey]{printed} events, newest first; more match: raise --limit or narrow --since.[/]");
        }
        return unreadable > 0 ? ExitCodes.UnreadableAnswer : ExitCodes.Success;
    }

    public static async Task<int> ProblemsAsync(IAnsiConsole console, SearchSource source, MemStreamQuery query, bool json, CancellationToken cancel)
    {
        var groups = new ProblemGroups();
        long? next = null;
        do
        {
            var page = await source.PageAsync(query with { Before = next, Limit = MemStreamQuery.MaxLimit }, cancel);
            foreach (var found in page.Events)
                groups.Add(found.LogEvent);
            foreach (var notice in page.Notices)
                console.MarkupLine($"[yellow]! {Markup.Escape(TerminalText.Line(notice))}[/]");
            next = page.Next;
        }
        while (next is not null && groups.Events < ProblemsMaxEvents && !cancel.IsCancellationRequested);

        if (json)
        {
            foreach (var group in groups.Groups())
                console.Profile.Out.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    template = group.Template,
                    count = group.Count,
                    first = group.First,
                    last = group.Last,
                    level = group.Level.ToString(),
                    sample = group.Sample.RenderMessage(System.Globalization.CultureInfo.InvariantCulture),
                }));
            return ExitCodes.Success;
        }
        var table = new Table().AddColumns("Count", "Level", "First", "Last", "Message template", "Newest");
        foreach (var group in groups.Groups())
        {
            table.AddRow(group.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), group.Level.ToString(), $"{group.First:yyyy-MM-dd HH:mm:ss}", $"{group.Last:yyyy-MM-dd HH:mm:ss}",
                Markup.Escape(TerminalText.Line(group.Template)), Markup.Escape(TerminalText.Line(group.Sample.RenderMessage(System.Globalization.CultureInfo.InvariantCulture))));
        }
        console.Write(table);
        var stopped = next is not null ? $"; stopped after the newest {groups.Events:N0}" : "";
        console.MarkupLine($"[grey]{groups.Events:N0} events at {query.MinLevel} or above{Since(query)} in {groups.Groups().Count} groups{stopped}.[/]");
        return ExitCodes.Success;
    }

    static string Since(MemStreamQuery query) => query.From is { } from ? $" since {from:yyyy-MM-dd HH:mm:ss}" : "";
}
