using System.CommandLine;
using Serilog.Events;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>The <c>memstream</c> command line: its commands, options and help, and the one-line errors.</summary>
static class MemStreamTool
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(output, Console.Out) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            console.Profile.Width = 200; // piped or captured: keep table rows on one line each
        var root = Build(console, cancel);
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel);
        }
        catch (ToolException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
    }

    static RootCommand Build(IAnsiConsole console, CancellationToken cancel)
    {
        var store = new Option<string>("--store") { Description = "The store directory: the application's storePath (by default <temp>/memstream/<application name>).", Required = true };
        var sink = new Option<string?>("--sink") { Description = "The sink's name, for a sink configured with name: \"...\" (default: the unnamed sink)." };
        var minLevel = new Option<LogEventLevel>("--min-level") { Description = "Only events at this level or above.", DefaultValueFactory = _ => LogEventLevel.Verbose };
        var correlationId = new Argument<string>("id") { Description = "The correlation id, or W3C trace id (32 hex digits in any case, or a whole traceparent), whose events to print." };
        var json = new Option<bool>("--json") { Description = "Print CLEF (one JSON object a line) instead of text." };
        var raw = new Option<bool>("--raw") { Description = "Print log text as it is, control characters and all. By default they are shown as escapes (\\x1B) and each new line of a message is indented, so log text cannot drive the terminal or fake a log line." };

        var query = new Command("query", "Print the stored events of one correlation id or trace id, in the order they were written; expired ones are left out.")
        {
            store, sink, minLevel, json, raw, correlationId,
        };
        query.SetAction(parse => StoreCommands.Query(console, parse.GetValue(store)!, parse.GetValue(sink), parse.GetValue(correlationId)!, parse.GetValue(minLevel), parse.GetValue(json), parse.GetValue(raw)));

        var idProperty = new Option<string>("--correlation-id-property")
        {
            Description = "The event property the application's sink reads correlation ids from (its correlationIdProperty); long ids are shown whole from it.",
            DefaultValueFactory = _ => "CorrelationId",
        };
        var ids = new Command("ids", "List the correlation ids with live stored events, with counts and time ranges.") { store, sink, idProperty };
        ids.SetAction(parse => StoreCommands.Ids(console, parse.GetValue(store)!, parse.GetValue(sink), parse.GetValue(idProperty)!));

        var stats = new Command("stats", "Show the store's size on disk, entries per retention family, and its oldest and newest entries.") { store, sink };
        stats.SetAction(parse => StoreCommands.Stats(console, parse.GetValue(store)!, parse.GetValue(sink)));

        var url = new Argument<string>("url") { Description = "The application's address (http://127.0.0.1:5080) or its MemStream WebSocket (ws://host/memstream/ws)." };
        var tailLevel = new Option<LogEventLevel?>("--min-level") { Description = "Only events at this level or above." };
        var tailId = new Option<string?>("--correlation-id") { Description = "Only events of this correlation id." };
        var tailTrace = new Option<string?>("--trace-id") { Description = "Only events of this W3C trace id: 32 hexadecimal digits, or a whole traceparent as ASP.NET Core's ProblemDetails show it." };
        var filter = new Option<string?>("--filter") { Description = "A Serilog expression, e.g. \"StatusCode >= 500 and RequestPath like '/api/%'\"." };
        var format = new Option<string>("--format") { Description = "text (the application's rendering, coloured) or clef (JSON lines).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "clef");
        var token = new Option<string?>("--token") { Description = "A bearer token, for an application that requires authorization." };
        var header = new Option<string[]>("--header") { Description = "An extra request header, \"Name: value\" (repeatable).", AllowMultipleArgumentsPerToken = false };

        var tail = new Command("tail", "Follow an application's live log output; reconnects by itself, Ctrl+C to stop.")
        {
            url, tailLevel, tailId, tailTrace, filter, format, token, header, raw,
        };
        tail.SetAction(async (parse, _) =>
        {
            var given = parse.GetValue(url)!;
            if (!Uri.TryCreate(given, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https" or "ws" or "wss"))
                throw new ToolException($"memstream: '{given}' is not an http(s) or ws(s) URL, such as http://127.0.0.1:5080.");
            var headers = (parse.GetValue(header) ?? []).Select(ParseHeader).ToList();
            if (parse.GetValue(token) is { } bearer)
                headers.Add(("Authorization", "Bearer " + bearer));
            var settings = new TailSettings(address, parse.GetValue(tailLevel)?.ToString(), parse.GetValue(tailId), parse.GetValue(tailTrace), parse.GetValue(filter), parse.GetValue(format) == "clef", headers, parse.GetValue(raw));
            return await new TailCommand(console, settings).RunAsync(cancel);
        });

        return new RootCommand("memstream: follow a running application's MemStream log tail, or read a MemStream store directly (also after the application is gone). Store commands open the store read-only and never change it.")
        {
            tail, query, ids, stats,
        };
    }

    static (string, string) ParseHeader(string header)
    {
        var colon = header.IndexOf(':');
        if (colon <= 0)
            throw new ToolException($"memstream: --header '{header}' is not \"Name: value\".");
        return (header[..colon].Trim(), header[(colon + 1)..].Trim());
    }
}
