using System.Diagnostics;
using Serilog.Sinks.MemStream.Bench.Engines;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// What indexing trace ids costs the store: the same events, each with a correlation id and logged inside
/// an <see cref="Activity"/> (four events a trace, as the load app's requests), stored with
/// <c>indexTraceId</c> on and off. Ingest is paced as in the store comparison; the set-ups alternate over
/// rounds and each figure is a median. Disk is the SST files' size per event once flushed and compacted;
/// then 1,000 random traces are queried by trace id (<c>MemStream.Query</c>, four events each, as LogEvents).
/// </summary>
internal static class TraceIndexComparison
{
    const int PacedBacklog = 20_000;

    public static string Run(int events, int rounds = 3)
    {
        var results = new Dictionary<bool, List<Result>> { [true] = [], [false] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var indexed in new[] { true, false })
                results[indexed].Add(Measure(indexed, events));
        }

        double Median(bool indexed, Func<Result, double> figure) => Stats.Median(results[indexed].Select(figure));
        var table = new MarkdownTable($"Trace index cost: {events:N0} events with a correlation id and a trace id (4 a trace), paced, {rounds} alternating rounds, medians",
            "set-up", "events/s", "× indexTraceId: false", "bytes on disk per event", "× indexTraceId: false", "Query(trace id) median ms", "p99 ms");
        foreach (var indexed in new[] { false, true })
        {
            table.Add(indexed ? "indexTraceId: true (default): event + trace reference" : "indexTraceId: false: event only",
                Median(indexed, r => r.EventsPerSecond), Median(indexed, r => r.EventsPerSecond) / Median(false, r => r.EventsPerSecond),
                Median(indexed, r => r.BytesPerEvent), Median(indexed, r => r.BytesPerEvent) / Median(false, r => r.BytesPerEvent),
                indexed ? Median(indexed, r => r.QueryMedianMs) : "–", indexed ? Median(indexed, r => r.QueryP99Ms) : "–");
        }
        return table.ToString();
    }

    sealed record Result(double EventsPerSecond, double BytesPerEvent, double QueryMedianMs, double QueryP99Ms);

    static Result Measure(bool indexTraceId, int events)
    {
        using var directory = new TempDirectory();
        var name = $"bench-trace-{indexTraceId}-{Guid.NewGuid():N}";
        using var logger = new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.MemStream(name: name, storePath: directory.Path, queueLimit: events, storeQueueLimit: events, indexTraceId: indexTraceId)
            .CreateLogger();
        var memStream = MemStream.Named(name);
        var loggers = Workload.ContextualLoggers(logger);
        GC.Collect();
        var watch = Stopwatch.StartNew();
        Activity? trace = null;
        var traces = new List<string>(events / 4 + 1);
        for (var i = 0; i < events; i++)
        {
            if (i % 4 == 0)
            {
                trace?.Stop();
                trace = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
                traces.Add(trace.TraceId.ToHexString());
            }
            Workload.Log(loggers, i);
            if (i % 1000 == 0)
            {
                while (memStream.Status() is var status && status.QueuePending + status.StoreQueuePending > PacedBacklog)
                    Thread.Sleep(0);
            }
        }
        trace?.Stop();
        memStream.Flush();
        var elapsed = watch.Elapsed;

        Compactions.CompactSink(name);
        var bytes = new DirectoryInfo(directory.Path).EnumerateFiles("*.sst").Sum(f => f.Length);

        var random = new Random(42);
        var latencies = new List<double>();
        for (var q = 0; q < 1100; q++)
        {
            var id = traces[random.Next(traces.Count)];
            var started = Stopwatch.GetTimestamp();
            var found = memStream.Query(id).Count;
            if (q >= 100) // the first hundred warm up
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (indexTraceId && found != 4)
                throw new InvalidOperationException($"trace {id} gave {found} events, not 4");
        }
        return new Result(events / elapsed.TotalSeconds, (double)bytes / events, Stats.Median(latencies), Stats.Percentile(latencies, 0.99));
    }
}
