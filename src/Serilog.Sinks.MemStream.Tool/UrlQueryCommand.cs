using System.Net;
using System.Text.Json;
using Serilog.Events;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>
/// <c>query --url</c>: asks a running application's query endpoint instead of reading a store directory,
/// page after page, or with <c>--fleet</c> every instance of its fleet at once (merged by time, each event
/// labelled with its instance, and the instances that did not answer named).
/// </summary>
static class UrlQueryCommand
{
    /// <summary>A fleet query has no pages: ask each instance for the endpoint's most.</summary>
    const int FleetLimit = 10_000;

    public static async Task<int> RunAsync(IAnsiConsole console, Uri url, string id, LogEventLevel minLevel, bool fleet, EventPrinter printer,
        IReadOnlyList<(string Name, string Value)> headers, CancellationToken cancel)
    {
        var json = printer.Json;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var printed = 0;
        var unreadable = 0;
        long? after = 0;
        while (after is not null)
        {
            var page = await GetAsync(http, QueryUri(url, id, minLevel, fleet, after.Value), headers, cancel);
            foreach (var frame in page.GetProperty(TailProtocol.Events).EnumerateArray())
            {
                var instance = frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(TailProtocol.Instance, out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                LogEvent? logEvent = null;
                if (frame.ValueKind != JsonValueKind.Object || !frame.TryGetProperty(TailProtocol.Clef, out var clefElement) || clefElement.ValueKind != JsonValueKind.Object
                    || !ClefEventReader.TryRead(clefElement.GetRawText(), out logEvent))
                {
                    // Not what MemStream writes (a fleet answer forged in Redis, say): named, never a blank line.
                    var raw = frame.GetRawText();
                    printer.Notice($"an unreadable event{(instance is null ? "" : " from " + instance)}: {(raw.Length <= 200 ? raw : raw[..200] + "…")}");
                    unreadable++;
                    continue;
                }
                if (json)
                    printer.PrintJson(clefElement.GetRawText());
                else
                    printer.Print(logEvent!, instance, frame.TryGetProperty(TailProtocol.CorrelationId, out var frameId) && frameId.ValueKind == JsonValueKind.String ? frameId.GetString() : null);
                printed++;
            }
            if (page.TryGetProperty("instances", out var instances))
            {
                if (instances.GetProperty("missing").GetArrayLength() > 0)
                    printer.Notice($"these instances did not answer in time: {string.Join(", ", instances.GetProperty("missing").EnumerateArray().Select(i => i.GetString()))}");
                if (instances.GetProperty("truncated").GetArrayLength() > 0)
                    printer.Notice($"these instances had more than {FleetLimit:N0} events (or about 4 MiB) to show: {string.Join(", ", instances.GetProperty("truncated").EnumerateArray().Select(i => i.GetString()))}");
            }
            after = page.GetProperty("next").ValueKind == JsonValueKind.Number ? page.GetProperty("next").GetInt64() : null;
        }
        if (printed == 0 && unreadable == 0 && !json)
            console.MarkupLine($"[grey]No stored events for {Markup.Escape(TerminalText.Line(id))} at {minLevel} or above{(fleet ? " on any instance" : "")}.[/]");
        return unreadable > 0 ? ExitCodes.UnreadableAnswer : ExitCodes.Success;
    }

    /// <summary>The query endpoint's URL: 32 hex digits or a traceparent are asked as a trace id (which also finds a correlation id of that text), anything else as a correlation id.</summary>
    static Uri QueryUri(Uri url, string id, LogEventLevel minLevel, bool fleet, long after)
    {
        var builder = EndpointAddress(url, TailProtocol.QueryRoute);
        id = TraceIdArgument.Normalize(id);
        var query = $"{(TraceIdText.TryParse(id, out _) ? "traceId" : "correlationId")}={Uri.EscapeDataString(id)}&minLevel={minLevel}";
        builder.Query = query + (fleet ? $"&fleet=true&limit={FleetLimit}" : after > 0 ? $"&after={after}" : "");
        return builder.Uri;
    }

    /// <summary>An endpoint of the app the user named: under the path given, or under <c>/memstream</c> when the URL has none; http(s) for ws(s).</summary>
    public static UriBuilder EndpointAddress(Uri url, string route)
    {
        var builder = new UriBuilder(url) { Scheme = url.Scheme is "https" or "wss" ? "https" : "http" };
        builder.Path = builder.Path is "" or "/" ? TailProtocol.DefaultPrefix + route : builder.Path.TrimEnd('/') + route;
        return builder;
    }

    public static async Task<JsonElement> GetAsync(HttpClient http, Uri uri, IReadOnlyList<(string Name, string Value)> headers, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancel);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            throw new ToolException($"memstream: cannot reach {uri.GetLeftPart(UriPartial.Authority)}: {ex.Message}. Is the application running, and is the URL right?", ExitCodes.Unreachable);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancel);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var reason = TerminalText.Line(body.Length <= 1000 ? body.Trim() : body[..1000] + "…");
                throw new ToolException($"memstream: {uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}: {reason}",
                    response.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.BadInput : ExitCodes.Unreachable);
            }
            try
            {
                return JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new ToolException($"memstream: {uri.GetLeftPart(UriPartial.Path)} did not answer as a MemStream query endpoint does (JSON). Is the URL the application's?", ExitCodes.Unreachable);
            }
        }
    }
}
