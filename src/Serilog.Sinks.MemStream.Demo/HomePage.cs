namespace Serilog.Sinks.MemStream.Demo;

/// <summary>The demo's front page: what it runs and where to look.</summary>
static class HomePage
{
    public const string Html = """
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
             <code>CorrelationId</code> logs its work, and now and then a warning or an error with an exception.
             Everything goes through <code>WriteTo.MemStream()</code>, configured in <code>appsettings.json</code>.</p>
          <ul>
            <li><a href="/memstream/"><strong>/memstream/</strong></a>: the live-tail page, with level, correlation-id and expression filters.</li>
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
