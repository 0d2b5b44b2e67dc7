using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The read-only HTTP endpoints: <c>query</c>, <c>correlation-ids</c> and <c>snapshot</c>.</summary>
internal static class QueryEndpoints
{
    const int DefaultLimit = 1000;
    const int MaxLimit = 10_000;

    /// <summary>
    /// <c>GET query?correlationId=&amp;minLevel=&amp;after=&amp;limit=</c>: one page of stored events as CLEF with
    /// their sequence numbers; <c>next</c> is the <c>after</c> of the following page, or null on the last.
    /// </summary>
    public static async Task QueryAsync(HttpContext context, MemStreamWebSocketOptions options)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;

        var parameters = new QueryParameters(context.Request.Query);
        var correlationId = parameters.Required("correlationId");
        var minLevel = parameters.Level("minLevel");
        var after = parameters.Sequence("after") ?? 0;
        var limit = parameters.Count("limit", DefaultLimit, MaxLimit);
        if (parameters.Error is { } error)
        {
            await BadRequest(context, error);
            return;
        }

        var instance = MemStream.Named(options.SinkName);
        var page = instance.QueryPage(correlationId, minLevel, after, limit);
        var frames = new EventFrames(instance.CorrelationIdProperty);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("correlationId", correlationId);
        json.WriteStartArray("events");
        foreach (var stored in page)
        {
            json.WriteStartObject();
            frames.WriteEventFields(json, stored.Sequence, stored.LogEvent, clef: true);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (page.Count == limit)
            json.WriteNumber("next", page[^1].Sequence);
        else
            json.WriteNull("next");
        json.WriteEndObject();
    }

    /// <summary><c>GET correlation-ids</c>: the ids with live stored events, as a JSON array.</summary>
    public static async Task CorrelationIdsAsync(HttpContext context, MemStreamWebSocketOptions options)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;
        await context.Response.WriteAsJsonAsync(MemStream.Named(options.SinkName).CorrelationIds());
    }

    /// <summary><c>GET snapshot</c>: the bounded buffer's text.</summary>
    public static async Task SnapshotAsync(HttpContext context, MemStreamWebSocketOptions options)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(MemStream.Named(options.SinkName).Snapshot());
    }

    static Task BadRequest(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }
}
