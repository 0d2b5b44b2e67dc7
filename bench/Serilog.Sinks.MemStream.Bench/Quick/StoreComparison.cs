using System.Diagnostics;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.MemStream.Bench.Engines;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// Comparisons 2 and 3: ingest of the same events across 10,000 correlation ids into MemStream's
/// store (from Emit to durable at Flush), raw RocksDB and SQLite; then one id's 100 events fetched
/// from each, 1,000 times, as materialized LogEvents.
/// </summary>
internal static class StoreComparison
{
    public static string Run(int events, int queries = 1000)
    {
        using var directory = new TempDirectory();

        const string name = "bench-store";
        using var logger = MemStreamLogger(name, directory, events);
        var memStream = MemStream.Named(name);
        var (burstIngest, burstDropped) = IngestIntoMemStream(logger, memStream, events, pace: false);
        TimeSpan pacedIngest;
        long pacedDropped;
        using (var pacedLogger = MemStreamLogger("bench-store-paced", directory, events))
            (pacedIngest, pacedDropped) = IngestIntoMemStream(pacedLogger, MemStream.Named("bench-store-paced"), events, pace: true);

        // Made after MemStream's runs, so that they do not carry a million arrays they never use.
        var corpus = StoreCorpus.Create(events);
        using var raw = new RawRocksStore(Path.Combine(directory.Path, "raw"));
        var rawIngest = Time(() => raw.Ingest(corpus));
        using var sqlite = new SqliteStore(Path.Combine(directory.Path, "events.sqlite"));
        var sqliteIngest = Time(() => sqlite.Ingest(corpus));

        var ingest = new MarkdownTable($"Store ingest, {events:N0} events across {Workload.CorrelationIdCount:N0} correlation ids",
            "engine", "events/s", "× raw RocksDB", "× SQLite", "dropped");
        void AddIngest(string engine, TimeSpan time, long lost) =>
            ingest.Add(engine, events / time.TotalSeconds, rawIngest / time, sqliteIngest / time, lost);
        AddIngest("MemStream store, one burst (Emit → durable at Flush)", burstIngest, burstDropped);
        AddIngest($"MemStream store, paced (the app waits while {PacedBacklog:N0} are queued)", pacedIngest, pacedDropped);
        AddIngest("raw RocksDB WriteBatch ×1000 (same keys and bytes)", rawIngest, 0);
        AddIngest("SQLite (WAL, synchronous=NORMAL, 1,000-row transactions)", sqliteIngest, 0);

        Compactions.WaitUntilSettled(Compactions.DatabaseOf(name).GetProperty, TimeSpan.FromSeconds(20));
        Compactions.WaitUntilSettled(raw.Database.GetProperty, TimeSpan.FromSeconds(20));
        var random = new Random(42);
        var ids = Enumerable.Range(0, queries).Select(_ => Workload.CorrelationId(random.Next(Workload.CorrelationIdCount))).ToArray();
        var latencies = Latencies(ids,
            id => memStream.Query(id, LogEventLevel.Information).Count,
            id => raw.Query(id, LogEventLevel.Information).Count,
            id => sqlite.Query(id, LogEventLevel.Information).Count);
        var (memStreamQuery, rawQuery, sqliteQuery) = (latencies[0], latencies[1], latencies[2]);

        var query = new MarkdownTable($"Query: one correlation id's events (minimum level Information) as LogEvents, {queries:N0} queries over {events:N0} stored, after compactions settle",
            "engine", "events per query", "median ms", "p99 ms", "median × SQLite");
        void AddQuery(string engine, (double Median, double P99, int Count) q) =>
            query.Add(engine, q.Count, q.Median, q.P99, q.Median / sqliteQuery.Median);
        AddQuery("MemStream.Query", memStreamQuery);
        AddQuery("raw RocksDB prefix scan + same decoding", rawQuery);
        AddQuery("SQLite indexed SELECT + same decoding", sqliteQuery);

        return ingest + Environment.NewLine + query;
    }

    /// <summary>
    /// The paced run's bound on queued events. One burst queues the whole million as LogEvents, and
    /// the GC's copying of that backlog costs more than storing it; the paced run shows the store's
    /// own rate, as an application logging steadily would see it.
    /// </summary>
    const int PacedBacklog = 20_000;

    static Logger MemStreamLogger(string name, TempDirectory directory, int events) =>
        new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.MemStream(name: name, storePath: Path.Combine(directory.Path, name), queueLimit: events, storeQueueLimit: events)
            .CreateLogger();

    static (TimeSpan Time, long Dropped) IngestIntoMemStream(ILogger logger, MemStreamInstance memStream, int events, bool pace)
    {
        var loggers = Workload.ContextualLoggers(logger);
        var time = Time(() =>
        {
            for (var i = 0; i < events; i++)
            {
                Workload.Log(loggers, i);
                if (pace && i % 1000 == 0)
                {
                    while (Backlog(memStream) > PacedBacklog)
                        Thread.Sleep(0);
                }
            }
            memStream.Flush();
        });
        var status = memStream.Status();
        return (time, status.QueueOverflowed + status.StoreQueueOverflowed + status.StoreWriteFailures);
    }

    static long Backlog(MemStreamInstance memStream)
    {
        var status = memStream.Status();
        return status.QueuePending + status.StoreQueuePending;
    }

    static TimeSpan Time(Action action)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    /// <summary>Each engine's latencies, the engines taking turns on every id so that drift on a shared machine hits them alike.</summary>
    static (double Median, double P99, int Count)[] Latencies(string[] ids, params Func<string, int>[] engines)
    {
        foreach (var id in ids.Take(100))
        {
            foreach (var query in engines)
                query(id); // warm up
        }
        var times = engines.Select(_ => new List<double>(ids.Length)).ToArray();
        var counts = new int[engines.Length];
        foreach (var id in ids)
        {
            for (var e = 0; e < engines.Length; e++)
            {
                var started = Stopwatch.GetTimestamp();
                counts[e] = engines[e](id);
                times[e].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        return times.Select((t, e) => (Stats.Median(t), Stats.Percentile(t, 0.99), counts[e])).ToArray();
    }
}
