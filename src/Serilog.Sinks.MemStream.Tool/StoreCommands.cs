using System.Text;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary><c>query</c>, <c>ids</c> and <c>stats</c>: reading a store directory, never writing it.</summary>
static class StoreCommands
{
    /// <summary>The store, read-only, through the core's reader; a store that cannot be read is bad input, said in one line.</summary>
    static ReadOnlyStore Open(string storePath, string? sinkName)
    {
        try
        {
            return ReadOnlyStore.Open(storePath, sinkName);
        }
        catch (StoreUnreadableException ex)
        {
            throw new ToolException("memstream: " + ex.Message);
        }
    }

    public static int Query(IAnsiConsole console, string storePath, string? sinkName, string id, LogEventLevel minLevel, bool json, bool raw)
    {
        using var store = Open(storePath, sinkName);
        var printer = new EventPrinter(console, json, raw);
        var printed = 0;
        foreach (var (_, logEvent) in store.Query(TraceIdArgument.Normalize(id), minLevel))
        {
            printer.Print(logEvent);
            printed++;
        }
        if (printed == 0 && !json)
            console.MarkupLine($"[grey]No live events for {Markup.Escape(TerminalText.Line(id))} at {minLevel} or above.[/]");
        return ExitCodes.Success;
    }

    public static int Ids(IAnsiConsole console, string storePath, string? sinkName, string correlationIdProperty)
    {
        using var store = Open(storePath, sinkName);
        var ids = new Dictionary<string, (int Count, DateTimeOffset First, DateTimeOffset Last)>(StringComparer.Ordinal);
        foreach (var entry in store.Entries())
        {
            if (!entry.IsCorrelationKeyed || !entry.IsLive || !entry.TryDecode(out var logEvent))
                continue;
            // A long id is shortened in its key; the event itself holds it whole, read by the sink's own rule.
            var id = StoreKey.IsShortened(entry.IdForm) && CorrelationIdText.Of(logEvent!, correlationIdProperty) is { } full
                ? full
                : Encoding.UTF8.GetString(entry.IdForm);
            ids[id] = ids.TryGetValue(id, out var seen)
                ? (seen.Count + 1, Min(seen.First, logEvent!.Timestamp), Max(seen.Last, logEvent!.Timestamp))
                : (1, logEvent!.Timestamp, logEvent!.Timestamp);
        }

        var table = new Table().AddColumns("Correlation id", "Events", "First", "Last");
        foreach (var (id, (count, first, last)) in ids.OrderBy(i => i.Value.First))
            table.AddRow(Markup.Escape(TerminalText.Line(id)), count.ToString(), $"{first:yyyy-MM-dd HH:mm:ss}", $"{last:yyyy-MM-dd HH:mm:ss}");
        console.Write(table);
        console.MarkupLine($"[grey]{ids.Count} correlation ids with live events in {Markup.Escape(store.Path)}[/]");
        return ExitCodes.Success;
    }

    public static int Stats(IAnsiConsole console, string storePath, string? sinkName)
    {
        using var store = Open(storePath, sinkName);
        var perFamily = store.Families.ToDictionary(f => f.Name, _ => (Live: 0, Expired: 0, Damaged: 0, References: 0));
        DateTimeOffset? oldest = null, newest = null;
        foreach (var entry in store.Entries())
        {
            var counts = perFamily[entry.Family];
            if (entry.IsReference)
                counts.References++;
            else if (!entry.IsValid || !entry.TryDecode(out var logEvent))
                counts.Damaged++;
            else if (!entry.IsLive)
                counts.Expired++;
            else
            {
                counts.Live++;
                oldest = oldest is null ? logEvent!.Timestamp : Min(oldest.Value, logEvent!.Timestamp);
                newest = newest is null ? logEvent.Timestamp : Max(newest.Value, logEvent.Timestamp);
            }
            perFamily[entry.Family] = counts;
        }

        console.MarkupLine($"Store [bold]{Markup.Escape(store.Path)}[/]: {store.SizeOnDisk():N0} bytes on disk");
        var table = new Table().AddColumns("Family", "Retention", "Live", "Expired (awaiting compaction)", "Undecodable", "Trace references");
        foreach (var (name, ttl) in store.Families)
        {
            var counts = perFamily[name];
            table.AddRow(Markup.Escape(name), TimeSpan.FromSeconds(ttl).ToString(), counts.Live.ToString(), counts.Expired.ToString(), counts.Damaged.ToString(), counts.References.ToString());
        }
        console.Write(table);
        console.MarkupLine(oldest is null
            ? "No live entries."
            : $"Oldest live entry {oldest:yyyy-MM-dd HH:mm:ss.fff zzz}, newest {newest:yyyy-MM-dd HH:mm:ss.fff zzz}");
        return ExitCodes.Success;
    }

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
