using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// <c>query?...&amp;format=clef</c>: an id's stored history as a file of newline-delimited CLEF (what Seq and
/// clef-tool read), read from the store and sent a bounded page at a time, so that neither the application
/// nor the browser that saves it holds the whole history in memory.
/// </summary>
internal static partial class StoredEventsDownload
{
    const string ClefContentType = "application/vnd.serilog.clef";
    const int PageEvents = 1000;

    /// <summary>The id's history that <paramref name="query"/> names (its id, level and start), at most <paramref name="limit"/> events.</summary>
    public static async Task WriteAsync(HttpContext context, string? sinkName, string idField, MemStreamQuery query, int limit)
    {
        var instance = MemStream.Named(sinkName);
        var frames = new EventFrames(instance.CorrelationIdProperty);
        StartFile(context, idField, query.Id!);
        var lines = new StringBuilder();
        for (var left = limit; left > 0 && !context.RequestAborted.IsCancellationRequested;)
        {
            var page = instance.Search(query with { Limit = Math.Min(left, PageEvents) });
            lines.Clear();
            foreach (var stored in page.Events)
                lines.Append(frames.Clef(stored.LogEvent)).Append('\n');
            await context.Response.WriteAsync(lines.ToString(), context.RequestAborted);
            if (page.Next is not { } next)
                break;
            left -= page.Events.Count;
            query = query with { After = next };
        }
    }

    /// <summary>A fleet's answer (every instance's events, merged by time, each bounded by its instance) as CLEF lines.</summary>
    public static async Task WriteFleetAsync(HttpContext context, FleetQuery query, FleetQueryAnswer answer)
    {
        StartFile(context, query.IsTraceId ? "traceId" : "correlationId", query.Query.Id!);
        var lines = new StringBuilder();
        foreach (var element in answer.Events)
        {
            if (element.TryGetProperty("clef", out var clef))
                lines.Append(clef.GetRawText()).Append('\n');
        }
        await context.Response.WriteAsync(lines.ToString(), context.RequestAborted);
    }

    static void StartFile(HttpContext context, string idField, string id)
    {
        context.Response.ContentType = ClefContentType;
        var name = $"memstream-{idField}-{UnsafeInFileName().Replace(id, "_")[..Math.Min(id.Length, 64)]}.clef";
        context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = name }.ToString();
    }

    [GeneratedRegex(@"[^\w.-]")]
    private static partial Regex UnsafeInFileName();
}
