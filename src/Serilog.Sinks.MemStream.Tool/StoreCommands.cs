using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary><c>query</c>, <c>ids</c> and <c>stats</c>: reading a store directory, never writing it.</summary>
static class StoreCommands
{
    /// <summary>The store, read-only, through the core's reader; a store that cannot be read is bad input, said in one line.</summary>
    public static ReadOnlyStore Open(string storePath, string? sinkName)
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

    public static int Query(IAnsiConsole console, string storePath, string? sinkName, string id, LogEventLevel minLevel, EventPrinter printer)
    {
        using var store = Open(storePath, sinkName);
        var printed = 0;
        foreach (var (_, logEvent) in store.Query(TraceIdArgument.Normalize(id), minLevel))
        {
            printer.Print(logEvent);
            printed++;
        }
        if (printed == 0 && !printer.Json)
            console.MarkupLine($"[grey]No live events for {Markup.Escape(TerminalText.Line(id))} at {minLevel} or above.[/]");
        return ExitCodes.Success;
    }

    public static int Ids(IAnsiConsole console, string storePath, string? sinkName, string correlationIdProperty)
    {
        using var store = Open(storePath, sinkName);
        var ids = store.Ids(correlationIdProperty);
        var table = new Table().AddColumns("Correlation id", "Events", "First", "Last");
        foreach (var (id, count, first, last) in ids)
            table.AddRow(Markup.Escape(TerminalText.Line(id)), count.ToString(), $"{first:yyyy-MM-dd HH:mm:ss}", $"{last:yyyy-MM-dd HH:mm:ss}");
        console.Write(table);
        console.MarkupLine($"[grey]{ids.Count} correlation ids with live events in {Markup.Escape(store.Path)}[/]");
        return ExitCodes.Success;
    }

    public static int Stats(IAnsiConsole console, string storePath, string? sinkName)
    {
        using var store = Open(storePath, sinkName);
        var families = store.Count();
        console.MarkupLine($"Store [bold]{Markup.Escape(store.Path)}[/]: {store.SizeOnDisk():N0} bytes on disk");
        var table = new Table().AddColumns("Family", "Retention", "Live events", "Expired (awaiting compaction)", "Undecodable entries", "Index entries", "Entries");
        foreach (var family in families)
        {
            table.AddRow(Markup.Escape(family.Name), TimeSpan.FromSeconds(family.TtlSeconds).ToString(), family.LiveEvents.ToString(), family.ExpiredEvents.ToString(),
                family.Damaged.ToString(), family.IndexEntries.ToString(), family.Entries.ToString());
        }
        console.Write(table);
        var oldest = families.Select(f => f.Oldest).Where(t => t is not null).Min();
        var newest = families.Select(f => f.Newest).Where(t => t is not null).Max();
        console.MarkupLine(oldest is null
            ? "No live entries."
            : $"Oldest live entry {oldest:yyyy-MM-dd HH:mm:ss.fff zzz}, newest {newest:yyyy-MM-dd HH:mm:ss.fff zzz}");
        return ExitCodes.Success;
    }
}
