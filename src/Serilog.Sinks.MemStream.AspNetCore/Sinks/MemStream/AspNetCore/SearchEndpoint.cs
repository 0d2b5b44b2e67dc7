using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// <c>GET search?minLevel=&amp;from=&amp;to=&amp;filter=&amp;text=&amp;template=&amp;limit=&amp;before=</c>: stored events of every id that meet
/// every criterion given, newest first, a page at a time, as <see cref="MemStreamInstance.Search"/> finds them:
/// <c>{"events": [...], "next": &lt;before for the next page, or null&gt;, "scanned": N}</c>, the events as <c>query</c>
/// gives them. <c>from</c> and <c>to</c> take ISO 8601 or a time ago (<c>15m</c>, <c>1h</c>, <c>2d</c>). A page ends at
/// <c>limit</c> events, about <see cref="MemStreamQuery.MaxBytes"/> bytes, or the search's budget, whichever comes first.
/// With <c>fleet=true</c>, every live instance's first page, merged newest first, as the query endpoint's fleet answer.
/// </summary>
internal static class SearchEndpoint
{
    // The query record's properties as this endpoint's parameters name them, so a refusal names what the client sent.
    static readonly Dictionary<string, string> ParameterOf = new()
    {
        [nameof(MemStreamQuery.MinLevel)] = "minLevel",
        [nameof(MemStreamQuery.From)] = "from",
        [nameof(MemStreamQuery.To)] = "to",
        [nameof(MemStreamQuery.Filter)] = "filter",
        [nameof(MemStreamQuery.Text)] = "text",
        [nameof(MemStreamQuery.Template)] = "template",
        [nameof(MemStreamQuery.Limit)] = "limit",
        [nameof(MemStreamQuery.Before)] = "before",
    };

    public static async Task SearchAsync(HttpContext context, MemStreamEndpointOptions options, QueryGate gate)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;

        var parameters = new QueryParameters(context.Request.Query);
        var fleet = parameters.Choice("fleet", "false", "true", "false") == "true";
        var query = Read(parameters, DateTimeOffset.UtcNow, out var error);
        if (query is not null && fleet && query.Before is not null)
            (query, error) = (null, "The query parameter 'before' pages one instance's events; a fleet search (fleet=true) has no pages: narrow 'from' or raise 'limit' instead.");
        if (query is null)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, error!);
            return;
        }
        if (fleet)
        {
            // Limited by the fleet itself: a fleet search mostly waits for the other instances.
            await QueryEndpoints.FleetQueryAsync(context, new FleetQuery(query), download: false);
            return;
        }
        using var place = await gate.EnterOrRefuseAsync(context);
        if (place is null)
            return;

        var instance = MemStream.Named(options.SinkName);
        var page = instance.Search(query);
        var frames = new EventFrames(instance.CorrelationIdProperty);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        StoredEventsPage.Write(json, frames, page, [query.Filter ?? "", query.Text ?? "", query.Template ?? ""]);
        json.WriteNumber("scanned", page.Scanned);
        json.WriteEndObject();
    }

    /// <summary>The checked query the parameters ask for; null with <paramref name="error"/> naming the parameter at fault.</summary>
    internal static MemStreamQuery? Read(QueryParameters parameters, DateTimeOffset now, out string? error)
    {
        var query = new MemStreamQuery
        {
            MinLevel = parameters.Level("minLevel"),
            From = parameters.Time("from", now),
            To = parameters.Time("to", now),
            Filter = parameters.Text("filter"),
            Text = parameters.Text("text"),
            Template = parameters.Text("template"),
            Limit = parameters.Count("limit", MemStreamQuery.DefaultLimit, MemStreamQuery.MaxLimit),
            Before = parameters.Sequence("before"),
        };
        if (parameters.Error is null && !query.TryCheck(out var property, out var problem))
            parameters.Refuse($"The query parameter '{ParameterOf.GetValueOrDefault(property, property)}' is not valid: {problem}");
        error = parameters.Error;
        return error is null ? query : null;
    }
}
