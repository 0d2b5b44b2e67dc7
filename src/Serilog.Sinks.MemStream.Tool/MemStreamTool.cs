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
        var queryStore = new Option<string?>("--store") { Description = "The store directory to read: the application's storePath (by default <temp>/memstream/<application name>)." };
        var queryUrl = new Option<string?>("--url") { Description = "Ask a running application's query endpoint instead (http://127.0.0.1:5080)." };
        var fleet = new Option<bool>("--fleet") { Description = "Every instance of the application's fleet (an app with AddMemStreamFleet), not only the one the URL reaches." };
        var token = new Option<string?>("--token") { Description = "A bearer token, for an application that requires authorization." };
        var header = new Option<string[]>("--header") { Description = "An extra request header, \"Name: value\" (repeatable).", AllowMultipleArgumentsPerToken = false };
        var sink = new Option<string?>("--sink") { Description = "The sink's name, for a sink configured with name: \"...\" (default: the unnamed sink)." };
        var minLevel = new Option<LogEventLevel>("--min-level") { Description = "Only events at this level or above.", DefaultValueFactory = _ => LogEventLevel.Verbose };
        var correlationId = new Argument<string>("id") { Description = "The correlation id, or W3C trace id (32 hex digits in any case, or a whole traceparent), whose events to print." };
        var json = new Option<bool>("--json") { Description = "Print CLEF (one JSON object a line) instead of text." };
        var template = new Option<string?>("--template")
        {
            Description = "A Serilog output template for each event's line of text, e.g. \"{Timestamp:HH:mm:ss} [{Level:u3}] {CorrelationId} {Message:lj}{NewLine}{Exception}\" (default: the time, the level and the message).",
        };
        var raw = new Option<bool>("--raw") { Description = "Print log text as it is, control characters and all. By default they are shown as escapes (\\x1B) and each new line of a message is indented, so log text cannot drive the terminal or fake a log line." };

        var query = new Command("query", "Print the stored events of one correlation id or trace id, in the order they were written; expired ones are left out. From a store directory (--store) or a running application (--url, with --fleet for all its instances).")
        {
            queryStore, queryUrl, fleet, sink, minLevel, json, raw, template, token, header, correlationId,
        };
        query.SetAction(async (parse, _) =>
        {
            var (path, address) = (parse.GetValue(queryStore), parse.GetValue(queryUrl));
            if ((path is null) == (address is null))
                throw new ToolException("memstream: give --store <directory> (read the store) or --url <application> (ask the running application), one of them.", ExitCodes.BadInput);
            if (address is not null && parse.GetValue(sink) is not null)
                throw new ToolException("memstream: --sink names a sink in a store directory; with --url the application's endpoints say which sink they serve.", ExitCodes.BadInput);
            if (path is not null)
            {
                if (parse.GetValue(fleet))
                    throw new ToolException("memstream: --fleet asks a running application's instances; use it with --url, not --store.", ExitCodes.BadInput);
                return StoreCommands.Query(console, path, parse.GetValue(sink), parse.GetValue(correlationId)!, parse.GetValue(minLevel),
                    new EventPrinter(console, parse.GetValue(json), parse.GetValue(raw), parse.GetValue(template)));
            }
            return await UrlQueryCommand.RunAsync(console, ParseUrl(address!), parse.GetValue(correlationId)!, parse.GetValue(minLevel), parse.GetValue(fleet),
                new EventPrinter(console, parse.GetValue(json), parse.GetValue(raw), parse.GetValue(template)), Headers(parse.GetValue(header), parse.GetValue(token)), cancel);
        });

        var idProperty = new Option<string>("--correlation-id-property")
        {
            Description = "The event property the application's sink reads correlation ids from (its correlationIdProperty); long ids are shown whole from it.",
            DefaultValueFactory = _ => "CorrelationId",
        };
        var ids = new Command("ids", "List the correlation ids with live stored events, with counts and time ranges.") { store, sink, idProperty };
        ids.SetAction(parse => StoreCommands.Ids(console, parse.GetValue(store)!, parse.GetValue(sink), parse.GetValue(idProperty)!));

        var stats = new Command("stats", "Show the store's size on disk, entries per retention family, and its oldest and newest entries.") { store, sink };
        stats.SetAction(parse => StoreCommands.Stats(console, parse.GetValue(store)!, parse.GetValue(sink)));

        var url = new Argument<string[]>("url")
        {
            Description = "The application's address (http://127.0.0.1:5080) or its MemStream WebSocket (ws://host/memstream/ws); several, to follow several instances at once, each line labelled with its instance.",
            Arity = ArgumentArity.OneOrMore,
        };
        var tailLevel = new Option<LogEventLevel?>("--min-level") { Description = "Only events at this level or above." };
        var tailId = new Option<string?>("--correlation-id") { Description = "Only events of this correlation id." };
        var tailTrace = new Option<string?>("--trace-id") { Description = "Only events of this W3C trace id: 32 hexadecimal digits, or a whole traceparent as ASP.NET Core's ProblemDetails show it." };
        var filter = new Option<string?>("--filter") { Description = "A Serilog expression, e.g. \"StatusCode >= 500 and RequestPath like '/api/%'\"." };
        var format = new Option<string>("--format") { Description = "text (the application's rendering, coloured) or clef (JSON lines).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "clef");

        var tail = new Command("tail", "Follow an application's live log output; reconnects by itself, Ctrl+C to stop.")
        {
            url, fleet, tailLevel, tailId, tailTrace, filter, format, token, header, raw, template,
        };
        tail.SetAction(async (parse, _) =>
        {
            var addresses = parse.GetValue(url)!.Select(ParseUrl).ToList();
            if (addresses.Count > 1 && parse.GetValue(fleet))
                throw new ToolException("memstream: --fleet follows every instance through one of them; give one URL with it.", ExitCodes.BadInput);
            var headers = Headers(parse.GetValue(header), parse.GetValue(token));
            var clef = parse.GetValue(format) == "clef";
            var printer = new EventPrinter(console, json: false, parse.GetValue(raw), parse.GetValue(template));
            // Several URLs: each instance's tail on its own, merged here as events arrive, labelled by instance.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var running = addresses.Select(address => new TailCommand(
                new TailSettings(address, parse.GetValue(tailLevel)?.ToString(), parse.GetValue(tailId), parse.GetValue(tailTrace), parse.GetValue(filter), clef, headers,
                    parse.GetValue(raw), parse.GetValue(fleet), addresses.Count > 1 ? address.Authority : null),
                printer).RunAsync(stop.Token)).ToList();
            var exits = new List<int>();
            while (running.Count > 0)
            {
                var done = await Task.WhenAny(running);
                running.Remove(done);
                if (done.IsFaulted)
                {
                    // One URL refused (or unreachable from the start) ends the command now, with its reason:
                    // waiting for the others would hold the reason back until Ctrl+C.
                    await stop.CancelAsync();
                    await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                exits.Add(await done);
            }
            return exits.Max();
        });

        return new RootCommand("memstream: follow a running application's MemStream log tail, or read a MemStream store directly (also after the application is gone). Store commands open the store read-only and never change it.")
        {
            tail, query, ids, stats,
        };
    }

    static Uri ParseUrl(string given) =>
        Uri.TryCreate(given, UriKind.Absolute, out var address) && address.Scheme is "http" or "https" or "ws" or "wss"
            ? address
            : throw new ToolException($"memstream: '{given}' is not an http(s) or ws(s) URL, such as http://127.0.0.1:5080.");

    static List<(string, string)> Headers(string[]? given, string? token)
    {
        var headers = (given ?? []).Select(ParseHeader).ToList();
        if (token is not null)
            headers.Add(("Authorization", "Bearer " + token));
        return headers;
    }

    static (string, string) ParseHeader(string header)
    {
        var colon = header.IndexOf(':');
        if (colon <= 0)
            throw new ToolException($"memstream: --header '{header}' is not \"Name: value\".");
        return (header[..colon].Trim(), header[(colon + 1)..].Trim());
    }
}
