using System.Diagnostics;
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
        var corpus = StoreCorpus.Create(events);

        const string name = "bench-store";
        using var logger = new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.MemStream(name: name, storePath: Path.Combine(directory.Path, "memstream"), queueLimit: events, storeQueueLimit: events)
            .CreateLogger();
        var memStream = MemStream.Named(name);
        var loggers = Workload.ContextualLoggers(logger);
        var memStreamIngest = Time(() =>
        {
            for (var i = 0; i < events; i++)
                Workload.Log(loggers, i);
            memStream.Flush();
        });
        var status = memStream.Status();
        var dropped = status.QueueOverflowed + status.StoreQueueOverflowed + status.StoreWriteFailures;

        using var raw = new RawRocksStore(Path.Combine(directory.Path, "raw"));
        var rawIngest = Time(() => raw.Ingest(corpus));
        using var sqlite = new SqliteStore(Path.Combine(directory.Path, "events.sqlite"));
        var sqliteIngest = Time(() => sqlite.Ingest(corpus));

        var ingest = new MarkdownTable($"Store ingest, {events:N0} events across {Workload.CorrelationIdCount:N0} correlation ids",
            "engine", "events/s", "× raw RocksDB", "× SQLite", "dropped");
        void AddIngest(string engine, TimeSpan time, long lost) =>
            ingest.Add(engine, events / time.TotalSeconds, rawIngest / time, sqliteIngest / time, lost);
        AddIngest("MemStream store (Emit → durable at Flush)", memStreamIngest, dropped);
        AddIngest("raw RocksDB WriteBatch ×1000 (same keys and bytes)", rawIngest, 0);
        AddIngest("SQLite (WAL, synchronous=NORMAL, 1,000-row transactions)", sqliteIngest, 0);

        var random = new Random(42);
        var ids = Enumerable.Range(0, queries).Select(_ => Workload.CorrelationId(random.Next(Workload.CorrelationIdCount))).ToArray();
        var memStreamQuery = Latencies(ids, id => memStream.Query(id, LogEventLevel.Information).Count);
        var rawQuery = Latencies(ids, id => raw.Query(id, LogEventLevel.Information).Count);
        var sqliteQuery = Latencies(ids, id => sqlite.Query(id, LogEventLevel.Information).Count);

        var query = new MarkdownTable($"Query: one correlation id's events (minimum level Information) as LogEvents, {queries:N0} queries over {events:N0} stored",
            "engine", "events per query", "median ms", "p99 ms", "median × SQLite");
        void AddQuery(string engine, (double Median, double P99, int Count) q) =>
            query.Add(engine, q.Count, q.Median, q.P99, q.Median / sqliteQuery.Median);
        AddQuery("MemStream.Query", memStreamQuery);
        AddQuery("raw RocksDB prefix scan + same decoding", rawQuery);
        AddQuery("SQLite indexed SELECT + same decoding", sqliteQuery);

        return ingest + Environment.NewLine + query;
    }

    static TimeSpan Time(Action action)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    static (double Median, double P99, int Count) Latencies(string[] ids, Func<string, int> query)
    {
        foreach (var id in ids.Take(100))
            query(id); // warm up
        var times = new List<double>(ids.Length);
        var count = 0;
        foreach (var id in ids)
        {
            var started = Stopwatch.GetTimestamp();
            count = query(id);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return (Stats.Median(times), Stats.Percentile(times, 0.99), count);
    }
}
