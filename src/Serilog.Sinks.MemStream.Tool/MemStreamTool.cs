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

        var (search, problems) = SearchCommands(console, queryStore, queryUrl, fleet, sink, json, raw, template, token, header, cancel);

        return new RootCommand("memstream: follow a running application's MemStream log tail, or read a MemStream store directly (also after the application is gone). Store commands open the store read-only and never change it.")
        {
            tail, query, search, problems, ids, stats,
        };
    }

    static (Command Search, Command Problems) SearchCommands(IAnsiConsole console, Option<string?> store, Option<string?> url, Option<bool> fleet, Option<string?> sink, Option<bool> json,
        Option<bool> raw, Option<string?> template, Option<string?> token, Option<string[]> header, CancellationToken cancel)
    {
        var since = new Option<string?>("--since") { Description = "Only events from this time on: a time ago (15m, 1h, 2d) or ISO 8601 (2026-12-03T10:00:00Z)." };
        var until = new Option<string?>("--until") { Description = "Only events up to this time: a time ago (15m, 1h, 2d) or ISO 8601." };
        var searchLevel = new Option<LogEventLevel>("--min-level") { Description = "Only events at this level or above (Warning and above are found through the store's index of problems).", DefaultValueFactory = _ => LogEventLevel.Verbose };
        var problemLevel = new Option<LogEventLevel>("--min-level") { Description = "Only events at this level or above.", DefaultValueFactory = _ => LogEventLevel.Warning };
        var filter = new Option<string?>("--filter") { Description = "A Serilog expression, e.g. \"StatusCode >= 500 and RequestPath like '/api/%'\"." };
        var text = new Option<string?>("--text") { Description = "Only events whose message contains this text (ignoring case)." };
        var limit = new Option<int>("--limit") { Description = "Print at most this many events.", DefaultValueFactory = _ => 100 };

        var search = new Command("search", "Print the stored events of every id that meet the criteria, newest first. From a store directory (--store) or a running application (--url).")
        {
            store, url, fleet, sink, since, until, searchLevel, filter, text, limit, json, raw, template, token, header,
        };
        search.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(limit) < 1)
                throw new ToolException($"memstream: --limit must be 1 or more; got {parse.GetValue(limit)}.");
            var query = Query(parse, since, until, searchLevel, filter, text);
            using var source = Source(parse, store, url, fleet, sink, token, header);
            return await SearchCommand.SearchAsync(console, source, query, parse.GetValue(limit),
                new EventPrinter(console, parse.GetValue(json), parse.GetValue(raw), parse.GetValue(template)), cancel);
        });

        var problems = new Command("problems", "Show what went wrong: the stored events at Warning and above (or --min-level) grouped by message template, with counts, first and last seen, and the newest of each.")
        {
            store, url, fleet, sink, since, until, problemLevel, filter, text, json, token, header,
        };
        problems.SetAction(async (parse, _) =>
        {
            var query = Query(parse, since, until, problemLevel, filter, text);
            using var source = Source(parse, store, url, fleet, sink, token, header);
            return await SearchCommand.ProblemsAsync(console, source, query, parse.GetValue(json), cancel);
        });
        return (search, problems);
    }

    /// <summary>The criteria as a checked query; a bad one is refused naming its option.</summary>
    static MemStreamQuery Query(ParseResult parse, Option<string?> since, Option<string?> until, Option<LogEventLevel> minLevel, Option<string?> filter, Option<string?> text)
    {
        var now = DateTimeOffset.UtcNow;
        var query = new MemStreamQuery
        {
            From = Time(parse.GetValue(since), "--since", now),
            To = Time(parse.GetValue(until), "--until", now),
            MinLevel = parse.GetValue(minLevel),
            Filter = parse.GetValue(filter),
            Text = parse.GetValue(text),
        };
        if (query.TryCheck(out var property, out var problem))
            return query;
        var option = property switch
        {
            nameof(MemStreamQuery.From) => "--since",
            nameof(MemStreamQuery.To) => "--until",
            nameof(MemStreamQuery.Filter) => "--filter",
            nameof(MemStreamQuery.Text) => "--text",
            nameof(MemStreamQuery.MinLevel) => "--min-level",
            _ => property,
        };
        throw new ToolException($"memstream: {option} is not valid: {problem}");
    }

    static DateTimeOffset? Time(string? given, string option, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(given))
            return null;
        if (Search.RelativeTime.TryParseTime(given, now, out var time))
            return time;
        throw new ToolException($"memstream: {option} '{TerminalText.Line(given)}' is not a time: give a time ago (15m, 1h, 2d) or ISO 8601 (2026-12-03T10:00:00Z).");
    }

    static SearchSource Source(ParseResult parse, Option<string?> store, Option<string?> url, Option<bool> fleet, Option<string?> sink, Option<string?> token, Option<string[]> header)
    {
        var (path, address) = (parse.GetValue(store), parse.GetValue(url));
        if ((path is null) == (address is null))
            throw new ToolException("memstream: give --store <directory> (read the store) or --url <application> (ask the running application), one of them.", ExitCodes.BadInput);
        if (address is not null && parse.GetValue(sink) is not null)
            throw new ToolException("memstream: --sink names a sink in a store directory; with --url the application's endpoints say which sink they serve.", ExitCodes.BadInput);
        if (path is not null && parse.GetValue(fleet))
            throw new ToolException("memstream: --fleet asks a running application's instances; use it with --url, not --store.", ExitCodes.BadInput);
        return path is not null
            ? new SearchSource.FromStore(StoreCommands.Open(path, parse.GetValue(sink)))
            : new SearchSource.FromUrl(ParseUrl(address!), Headers(parse.GetValue(header), parse.GetValue(token)), parse.GetValue(fleet));
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
