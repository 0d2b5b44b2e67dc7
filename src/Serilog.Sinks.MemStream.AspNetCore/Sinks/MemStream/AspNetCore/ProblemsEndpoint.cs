using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serilog.Events;
using Serilog.Sinks.MemStream.Search;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// <c>GET problems?minLevel=&amp;from=&amp;to=&amp;filter=&amp;text=</c>: what went wrong, for the page's problems view. The
/// stored events at <c>minLevel</c> (Warning by default) or above that meet the criteria, grouped by message template
/// (<see cref="ProblemGroups"/>): <c>{"groups": [{"template", "count", "first", "last", "level", "sample": {event}}],
/// "events", "scanned", "complete", "through"}</c>. Every stored event up to sequence number <c>through</c> (the store's
/// written-through point: nothing waits for the disk) is counted, so a live tail opened with <c>after=through</c> goes on
/// from there with no gap and no duplicate.
/// At most <see cref="MaxEvents"/> events or <see cref="MaxDuration"/> of searching; <c>complete</c> says whether all were read.
/// </summary>
internal static class ProblemsEndpoint
{
    public const int MaxEvents = 50_000;
    static readonly (string Name, string Why)[] NotTaken =
    [
        ("before", "problems are counted over the whole range."),
        ("limit", $"problems are counted over the whole range, up to {MaxEvents:N0} events."),
        ("fleet", "problems are counted on this instance; a fleet's are not merged."),
    ];
    static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(2);

    public static async Task ProblemsAsync(HttpContext context, MemStreamEndpointOptions options, QueryGate gate)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;
        var parameters = new QueryParameters(context.Request.Query);
        var query = SearchEndpoint.Read(parameters, DateTimeOffset.UtcNow, out var error);
        foreach (var (name, why) in NotTaken)
        {
            if (query is not null && context.Request.Query.ContainsKey(name))
                (query, error) = (null, $"The query parameter '{name}' is not taken here: {why}");
        }
        if (query is null)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, error!);
            return;
        }
        if (string.IsNullOrEmpty(context.Request.Query["minLevel"].ToString()))
            query = query with { MinLevel = LogEventLevel.Warning };
        using var place = await gate.EnterOrRefuseAsync(context);
        if (place is null)
            return;

        var instance = MemStream.Named(options.SinkName);
        var through = instance.StoredThrough;
        var groups = new ProblemGroups();
        var started = Stopwatch.GetTimestamp();
        long scanned = 0;
        var page = MemStreamSearchPage.Empty with { Next = through + 1 };
        do
        {
            page = instance.Search(query with { Before = page.Next, Limit = MemStreamQuery.MaxLimit });
            scanned += page.Scanned;
            foreach (var stored in page.Events)
                groups.Add(stored.LogEvent, stored.Sequence);
        }
        while (page.Next is not null && groups.Events < MaxEvents && Stopwatch.GetElapsedTime(started) < MaxDuration);

        var frames = new EventFrames(instance.CorrelationIdProperty);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteStartArray("groups");
        // Each group's sample is bounded as a query's events are; the templates are the app's own, and few.
        var samples = new BoundedEventArray(json, BoundedEventArray.RoomFor(MemStreamQuery.MaxBytes, [query.Filter ?? "", query.Text ?? ""]));
        foreach (var group in groups.Groups())
        {
            var added = samples.TryAdd(writer =>
            {
                writer.WriteString("template", group.Template);
                writer.WriteNumber("count", group.Count);
                writer.WriteString("first", group.First);
                writer.WriteString("last", group.Last);
                writer.WriteString("level", group.Level.ToString());
                writer.WriteStartObject("sample");
                frames.WriteEventFields(writer, group.SampleSequence, group.Sample, clef: true);
                writer.WriteEndObject();
            });
            if (!added)
                break;
        }
        json.WriteEndArray();
        json.WriteNumber("events", groups.Events);
        json.WriteNumber("scanned", scanned);
        json.WriteBoolean("complete", page.Next is null && samples.Count == groups.Groups().Count);
        json.WriteNumber("through", through);
        json.WriteEndObject();
    }
}
