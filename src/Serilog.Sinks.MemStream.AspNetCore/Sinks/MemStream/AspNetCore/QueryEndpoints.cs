using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The read-only HTTP endpoints: <c>query</c>, <c>correlation-ids</c>, <c>snapshot</c> and <c>status</c>.</summary>
internal static class QueryEndpoints
{
    // An id's history reads in longer pages than a search's.
    const int DefaultLimit = 1000;
    const int MaxLimit = MemStreamQuery.MaxLimit;
    const int MaxIdPageChars = 1 << 20;
    const int MaxCursorChars = 1024;

    /// <summary>
    /// <c>GET query?correlationId=&amp;minLevel=&amp;after=&amp;limit=</c> (or <c>traceId=</c> instead of
    /// <c>correlationId=</c>): one page of stored events as CLEF with their sequence numbers; <c>next</c> is
    /// the <c>after</c> of the following page, or null on the last. A page stops at <c>limit</c> events or
    /// about <see cref="MemStreamQuery.MaxBytes"/> bytes, whichever comes first (an event larger than that is
    /// alone on its page). A trace id finds the events logged in that trace, and any whose correlation id is
    /// that same text, as <see cref="MemStream.Query(string, Serilog.Events.LogEventLevel)"/> does. With
    /// <c>format=clef</c>, the whole history after <c>after</c> (at most <c>limit</c> events, when given) as a
    /// download of newline-delimited CLEF, read and sent a bounded page at a time.
    /// </summary>
    public static async Task QueryAsync(HttpContext context, MemStreamEndpointOptions options, QueryGate gate)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;

        var parameters = new QueryParameters(context.Request.Query);
        var correlationId = parameters.Text("correlationId");
        var traceId = parameters.TraceId("traceId");
        if ((correlationId is null) == (traceId is null))
            parameters.Refuse(correlationId is null
                ? "The query parameter 'correlationId' or 'traceId' is required; give exactly one of them."
                : "The query parameters 'correlationId' and 'traceId' were both given; give exactly one of them.");
        var minLevel = parameters.Level("minLevel");
        var after = parameters.Sequence("after") ?? 0;
        var download = parameters.Choice("format", "json", "json", "clef") == "clef";
        var limit = parameters.Count("limit", download ? int.MaxValue : DefaultLimit, download ? int.MaxValue : MaxLimit);
        var fleet = parameters.Choice("fleet", "false", "true", "false") == "true";
        if (fleet && after > 0)
            parameters.Refuse("The query parameter 'after' pages one instance's events; a fleet query (fleet=true) has no pages: raise 'limit' instead.");
        if (parameters.Error is { } error)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }
        var id = correlationId ?? traceId!.Value.ToHexString();
        var idField = correlationId is null ? "traceId" : "correlationId";
        var query = new MemStreamQuery { Id = id, MinLevel = minLevel, After = after, Limit = Math.Min(limit, MaxLimit) };
        if (fleet)
        {
            // Limited by the fleet itself: a fleet query mostly waits for the other instances.
            await FleetQueryAsync(context, new FleetQuery(query, correlationId is null), download);
            return;
        }
        using var place = await gate.EnterOrRefuseAsync(context);
        if (place is null)
            return;
        if (download)
        {
            await StoredEventsDownload.WriteAsync(context, options.SinkName, idField, query, limit);
            return;
        }

        var instance = MemStream.Named(options.SinkName);
        var page = instance.Search(query);
        var frames = new EventFrames(instance.CorrelationIdProperty);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString(idField, id);
        StoredEventsPage.Write(json, frames, page, [id]);
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>GET query?...&amp;fleet=true</c> (and <c>search?...&amp;fleet=true</c>): every live instance of the fleet answers
    /// from its own store; the events are merged by timestamp (newest first for a search), each with its <c>instance</c>,
    /// and <c>instances</c> says which answered, which had more than <c>limit</c> and which did not answer in time.
    /// </summary>
    internal static async Task FleetQueryAsync(HttpContext context, FleetQuery query, bool download)
    {
        if (await FleetOrRefuseAsync(context) is not { } fleet)
            return;
        FleetQueryAnswer answer;
        try
        {
            answer = await fleet.QueryAsync(query, context.RequestAborted);
        }
        catch (FleetUnavailableException ex)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ex.Message);
            return;
        }

        if (download)
        {
            await StoredEventsDownload.WriteFleetAsync(context, query, answer);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        if (query.Query.Id is { } id)
            json.WriteString(query.IsTraceId ? "traceId" : "correlationId", id);
        json.WriteBoolean("fleet", true);
        json.WriteStartArray("events");
        // Every instance's answer is bounded; the merged one is too: the instances whose events it had to
        // leave out are named as truncated.
        var events = new BoundedEventArray(json, BoundedEventArray.RoomFor(MemStreamQuery.MaxBytes,
            [query.Query.Id ?? "", query.Query.Filter ?? "", query.Query.Text ?? "", .. answer.Answered, .. answer.Answered, .. answer.Truncated, .. answer.Missing]));
        var truncated = new SortedSet<string>(answer.Truncated, StringComparer.Ordinal);
        var cut = false;
        foreach (var element in answer.Events)
        {
            // Merged by time: once one is left out, so is everything after it, lest the answer have a hole.
            cut = cut || !events.TryAdd(writer => WriteFields(writer, element));
            if (cut)
                truncated.Add(element.TryGetProperty("instance", out var instance) ? instance.GetString() ?? "" : "");
        }
        json.WriteEndArray();
        json.WriteStartObject("instances");
        WriteStrings(json, "answered", answer.Answered);
        WriteStrings(json, "truncated", truncated);
        WriteStrings(json, "missing", answer.Missing);
        json.WriteEndObject();
        json.WriteNull("next");
        json.WriteEndObject();
    }

    /// <summary><c>GET instances</c>: the fleet's live instances, their last heartbeat and counters (404 without a fleet).</summary>
    public static async Task InstancesAsync(HttpContext context, MemStreamEndpointOptions options)
    {
        if (!await AccessGuard.AdmitAsync(context, options) || await FleetOrRefuseAsync(context) is not { } fleet)
            return;
        var body = new System.Buffers.ArrayBufferWriter<byte>();
        try
        {
            await using var json = new Utf8JsonWriter(body);
            await fleet.WriteInstancesAsync(json, context.RequestAborted);
        }
        catch (FleetUnavailableException ex)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ex.Message);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
    }

    static async Task<IMemStreamFleet?> FleetOrRefuseAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<IMemStreamFleet>() is { } fleet)
            return fleet;
        await PlainTextAnswer.WriteAsync(context, StatusCodes.Status404NotFound, IMemStreamFleet.NoFleet);
        return null;
    }

    static void WriteFields(Utf8JsonWriter json, JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
            property.WriteTo(json);
    }

    static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    /// <summary>
    /// <c>GET correlation-ids?after=&amp;limit=</c>: one page of the ids with live stored events, in ordinal
    /// order, <c>{"correlationIds": [...], "next": ...}</c>; <c>next</c> is the <c>after</c> of the following
    /// page, or null on the last. A page stops early at about <see cref="MaxIdPageChars"/> characters of ids, since
    /// correlation ids can be long.
    /// </summary>
    public static async Task CorrelationIdsAsync(HttpContext context, MemStreamEndpointOptions options, QueryGate gate)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;

        var parameters = new QueryParameters(context.Request.Query);
        var after = parameters.Text("after");
        var limit = parameters.Count("limit", DefaultLimit, MaxLimit);
        if (parameters.Error is { } error)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        using var place = await gate.EnterOrRefuseAsync(context);
        if (place is null)
            return;
        var ids = MemStream.Named(options.SinkName).CorrelationIds();
        var start = after is null ? 0 : FirstAfter(ids, after);
        var end = start;
        for (var bytes = 0; end < ids.Count && end - start < limit && (end == start || bytes + ids[end].Length <= MaxIdPageChars); end++)
            bytes += ids[end].Length;

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteStartArray("correlationIds");
        for (var i = start; i < end; i++)
            json.WriteStringValue(ids[i]);
        json.WriteEndArray();
        if (end < ids.Count)
            json.WriteString("next", Cursor(ids[end - 1]));
        else
            json.WriteNull("next");
        json.WriteEndObject();
    }

    /// <summary>
    /// The <c>after</c> that follows <paramref name="lastId"/>: the id itself, or for a long one (which would
    /// not fit in a URL) its first <see cref="MaxCursorChars"/> characters and U+FFFF, which sorts after
    /// every id that starts with them. Other ids with that same long beginning are then skipped: a listing
    /// of ids, unlike a query, may do that to stay addressable.
    /// </summary>
    static string Cursor(string lastId) => lastId.Length <= MaxCursorChars ? lastId : lastId[..MaxCursorChars] + '\uFFFF';

    /// <summary>The index of the first id ordinally greater than <paramref name="after"/> in the sorted list.</summary>
    static int FirstAfter(IReadOnlyList<string> ids, string after)
    {
        int low = 0, high = ids.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (string.CompareOrdinal(ids[middle], after) <= 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    /// <summary><c>GET snapshot</c>: the bounded buffer's text.</summary>
    public static async Task SnapshotAsync(HttpContext context, MemStreamEndpointOptions options)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(MemStream.Named(options.SinkName).Snapshot());
    }

    /// <summary>
    /// <c>GET status</c>: the sink's <see cref="MemStreamStatus"/> as JSON (camelCase, the store's state by
    /// name), with <c>sink</c>, the sink's name (null for the default one): what the page shows and a
    /// monitor can poll. No parameters.
    /// </summary>
    public static async Task StatusAsync(HttpContext context, MemStreamEndpointOptions options)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(StatusFrames.Answer(options.SinkName));
    }
}
