namespace Serilog.Sinks.MemStream.Demo;

/// <summary>The demo's front page: what it runs and where to look.</summary>
static class HomePage
{
    /// <summary>The page, linking to the stored history of the trace that served it (a trace id is 32 hex digits: nothing to escape).</summary>
    public static string Html(string? traceId) => Template.Replace("TRACE_LINK", traceId is null ? ""
        : $"<li><a href=\"/memstream/?traceId={traceId}\">This page's own request, by its trace id</a>: a deep link into the stored history.</li>",
        StringComparison.Ordinal);

    const string Template = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>MemStream demo</title>
          <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1d2433; }
            code { background: #eef1f6; padding: .1rem .3rem; border-radius: 4px; }
            li { margin: .4rem 0; }
          </style>
        </head>
        <body>
          <h1>Serilog.Sinks.MemStream demo</h1>
          <p>This app simulates a shop's backend: every few hundred milliseconds a request with its own
             <code>CorrelationId</code> and W3C trace id logs its work, and now and then a warning or an error with an exception.
             Real requests are logged by Serilog's ASP.NET Core integration, inside their <code>Activity</code>, so they carry trace ids too.
             Everything goes through <code>WriteTo.MemStream()</code>, configured in <code>appsettings.json</code>.</p>
          <ul>
            <li><a href="/memstream/"><strong>/memstream/</strong></a>: the live-tail page, with level, correlation-id and expression filters;
                click an event for its properties, a correlation id or trace id for its stored history.</li>
            TRACE_LINK
            <li><a href="/api/orders/13">/api/orders/13</a>: a failing order. Its ProblemDetails show the <code>traceId</code>
                and a <code>logs</code> link that opens that request's events.</li>
            <li><code>/memstream/ws</code>: the same tail as a WebSocket; <code>/memstream/query?correlationId=…</code> and
                <a href="/memstream/correlation-ids">/memstream/correlation-ids</a>: the durable store as JSON.</li>
            <li><a href="/snapshot">/snapshot</a>: the bounded buffer of the newest output, as text (<code>MemStream.Snapshot()</code>).</li>
            <li><a href="/correlation-ids">/correlation-ids</a>: the correlation ids in the durable store (<code>MemStream.CorrelationIds()</code>);
                <code>/query/&lt;id&gt;</code> shows one request's events (<code>MemStream.Query(id)</code>), also after a restart.</li>
            <li><a href="/health">/health</a>: the MemStream health check (store open, or memory-only and why; queue saturation).</li>
            <li><a href="/status">/status</a>: the sink's counters (<code>MemStream.Status()</code>).</li>
            <li><a href="/api/orders/42">/api/orders/42</a>: a real request; it logs under the correlation id in its <code>X-Correlation-ID</code> response header.</li>
          </ul>
        </body>
        </html>
        """;
}
