using System.Diagnostics;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.MemStream.Bench.Engines;
using Serilog.Sinks.MemStream.Bench.Support;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// Search across ids (<see cref="MemStreamQuery"/> without an id): a store of request logs over two hours (see
/// <see cref="SearchEvents"/>) written through a real sink, and the same events in SQLite indexed on (level,
/// timestamp); two searches a user makes first, each engine's first page (100 events, newest first, as LogEvents)
/// taken in turns, so that drift on a shared machine hits both alike. Then what the store's search index costs on
/// ingest: the same events stored with it and without it (<see cref="BatchDirectoryWriter.WriteSearchIndex"/>),
/// in alternating rounds, medians.
/// </summary>
internal static class SearchComparison
{
    const int PacedBacklog = 20_000;
    const int Limit = MemStreamQuery.DefaultLimit;
    const string Filter = "StatusCode >= 500";

    public static string Run(int events, int searches = 200, int ingestEvents = 300_000, int rounds = 5) =>
        Searches(events, searches) + Environment.NewLine + IngestCost(ingestEvents, rounds) + Environment.NewLine + WriterCost(ingestEvents, rounds);

    static string Searches(int events, int searches)
    {
        using var directory = new TempDirectory();
        var name = $"bench-search-{Guid.NewGuid():N}";
        var corpus = new SearchEvents(events, DateTimeOffset.UtcNow);
        var storePath = Path.Combine(directory.Path, "memstream");
        using var logger = MemStreamLogger(name, storePath, events);
        var memStream = MemStream.Named(name);
        var (build, _, _) = Ingest(logger, memStream, corpus);
        var status = memStream.Status();
        var dropped = status.QueueOverflowed + status.StoreQueueOverflowed + status.StoreWriteFailures;

        var sqlitePath = Path.Combine(directory.Path, "events.sqlite");
        using var sqlite = new SqliteSearchStore(sqlitePath);
        var sqliteBuild = Time(() => sqlite.Ingest(corpus));
        Compactions.WaitUntilSettled(Compactions.DatabaseOf(name).GetProperty, TimeSpan.FromSeconds(20));

        // One "now" for both engines, so that they are asked for exactly the same window.
        var now = DateTimeOffset.UtcNow;
        var errors = new MemStreamQuery { MinLevel = LogEventLevel.Error, From = now.AddHours(-1), Limit = Limit };
        var failures = new MemStreamQuery { MinLevel = LogEventLevel.Information, From = now.AddMinutes(-10), Filter = Filter, Limit = Limit };
        var engines = new Func<IReadOnlyList<MemStreamStoredEvent>>[]
        {
            () => memStream.Search(errors).Events,
            () => sqlite.Problems(LogEventLevel.Error, errors.From.Value, Limit),
            () => memStream.Search(failures).Events,
            () => sqlite.WithStatus(LogEventLevel.Information, failures.From.Value, 500, Limit),
        };
        var latencies = Latencies(searches, engines);
        var errorsPage = memStream.Search(errors);
        var failuresPage = memStream.Search(failures);

        var table = new MarkdownTable($"Search across ids: first page (limit {Limit}, newest first, as LogEvents) over {events:N0} stored events of {events / 10:N0} requests spread over 2 h, {searches} searches each, in turns",
            "search", "engine", "events", "scanned", "next page", "median ms", "p99 ms", "median × SQLite", "p99 × SQLite", "same events");
        void AddPair(string search, MemStreamSearchPage page, int memStreamAt)
        {
            var (memStreamTimes, sqliteTimes) = (latencies[memStreamAt], latencies[memStreamAt + 1]);
            var same = page.Events.Select(e => e.Sequence).SequenceEqual(sqliteTimes.Page.Select(e => e.Sequence)) ? "yes" : "no";
            table.Add(search, "MemStream.Search", page.Events.Count, page.Scanned, page.Next is null ? "none" : "yes",
                memStreamTimes.Median, memStreamTimes.P99, memStreamTimes.Median / sqliteTimes.Median, memStreamTimes.P99 / sqliteTimes.P99, same);
            table.Add(search, "SQLite, index (level, timestamp)", sqliteTimes.Page.Count, "–", "–", sqliteTimes.Median, sqliteTimes.P99, 1.0, 1.0, same);
        }
        AddPair("(a) MinLevel Error, last hour", errorsPage, 0);
        AddPair($"(b) MinLevel Information, last 10 min, {Filter}", failuresPage, 2);

        var (problemsPlan, filteredPlan) = sqlite.Plans();
        var memStreamBytes = DirectoryBytes(storePath);
        var sqliteBytes = new DirectoryInfo(directory.Path).EnumerateFiles("events.sqlite*").Sum(f => f.Length);
        var stores = new MarkdownTable($"Search stores: {events:N0} events built (MemStream through the sink, paced, Emit → durable at Flush; SQLite 1,000-row transactions of CLEF)",
            "engine", "build events/s", "bytes on disk per event", "dropped");
        stores.Add("MemStream store (after compactions settle)", events / build.TotalSeconds, (double)memStreamBytes / events, dropped);
        stores.Add("SQLite (WAL checkpointed)", events / sqliteBuild.TotalSeconds, (double)sqliteBytes / events, 0L);
        return table + Environment.NewLine + $"SQLite plans: (a) {problemsPlan}; (b) {filteredPlan}." + Environment.NewLine
               + Environment.NewLine + stores;
    }

    sealed record Latency(double Median, double P99, IReadOnlyList<MemStreamStoredEvent> Page);

    /// <summary>Each search's latencies, all of them taking turns in every repetition, after a few warm-up rounds.</summary>
    static Latency[] Latencies(int repetitions, Func<IReadOnlyList<MemStreamStoredEvent>>[] searches)
    {
        var pages = new IReadOnlyList<MemStreamStoredEvent>[searches.Length];
        for (var warmUp = 0; warmUp < 10; warmUp++)
        {
            for (var s = 0; s < searches.Length; s++)
                pages[s] = searches[s]();
        }
        var times = searches.Select(_ => new List<double>(repetitions)).ToArray();
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            for (var s = 0; s < searches.Length; s++)
            {
                var started = Stopwatch.GetTimestamp();
                pages[s] = searches[s]();
                times[s].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        return times.Select((t, s) => new Latency(Stats.Median(t), Stats.Percentile(t, 0.99), pages[s])).ToArray();
    }

    sealed record IngestResult(double EventsPerSecond, double CpuMicrosecondsPerEvent, double WriterMicrosecondsPerEvent, double BytesPerEvent);

    /// <summary>The search index's cost on ingest: the same events stored with it and without it, in alternating rounds.</summary>
    static string IngestCost(int events, int rounds)
    {
        var results = new Dictionary<bool, List<IngestResult>> { [true] = [], [false] = [] };
        for (var round = 0; round < rounds; round++)
        {
            // Each set-up goes first in every other round, so that neither always follows the other's leftovers.
            foreach (var indexed in round % 2 == 0 ? new[] { true, false } : [false, true])
                results[indexed].Add(MeasureIngest(indexed, events));
        }

        double Median(bool indexed, Func<IngestResult, double> figure) => Stats.Median(results[indexed].Select(figure));
        var table = new MarkdownTable($"Search index cost on ingest: {events:N0} of the same events through the sink, paced, Emit → durable at Flush, {rounds} alternating rounds, medians",
            "set-up", "events/s", "× without", "process CPU µs/event", "× without", "store writer thread CPU µs/event", "× without", "SST bytes per event (compacted)", "× without");
        foreach (var indexed in new[] { false, true })
        {
            table.Add(indexed ? "search index written (the default)" : "without the search index (bench switch)",
                Median(indexed, r => r.EventsPerSecond), Median(indexed, r => r.EventsPerSecond) / Median(false, r => r.EventsPerSecond),
                Median(indexed, r => r.CpuMicrosecondsPerEvent), Median(indexed, r => r.CpuMicrosecondsPerEvent) / Median(false, r => r.CpuMicrosecondsPerEvent),
                Median(indexed, r => r.WriterMicrosecondsPerEvent), Median(indexed, r => r.WriterMicrosecondsPerEvent) / Median(false, r => r.WriterMicrosecondsPerEvent),
                Median(indexed, r => r.BytesPerEvent), Median(indexed, r => r.BytesPerEvent) / Median(false, r => r.BytesPerEvent));
        }
        var each = string.Join("; ", new[] { true, false }.Select(indexed =>
            $"{(indexed ? "with" : "without")}: {string.Join(", ", results[indexed].Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.EventsPerSecond:N0}/s {r.CpuMicrosecondsPerEvent:0.00}/{r.WriterMicrosecondsPerEvent:0.000} µs")))}"));
        return table + Environment.NewLine + $"Each round (events/s, process/writer CPU per event): {each}." + Environment.NewLine;
    }

    /// <summary>
    /// The search index's cost where it is paid, in the store's writer (<see cref="StoreWriterHarness"/>): every chunk
    /// written by a writer with the index and by one without, in turns (which goes first alternating), on fresh stores
    /// each pass. Besides the totals, the median of the chunks' own ratios, which a preempted chunk does not sway.
    /// </summary>
    static string WriterCost(int events, int passes)
    {
        var chunks = StoreWriterHarness.Chunks(new SearchEvents(events, DateTimeOffset.UtcNow), chunkSize: 1000);
        var with = new List<double>();
        var without = new List<double>();
        var ratios = new List<double>();
        for (var pass = 0; pass < passes; pass++)
        {
            using var directory = new TempDirectory();
            using var indexed = new StoreWriterHarness(Path.Combine(directory.Path, "with"));
            using var plain = new StoreWriterHarness(Path.Combine(directory.Path, "without"));
            var times = new[] { TimeSpan.Zero, TimeSpan.Zero };
            try
            {
                for (var c = 0; c < chunks.Length; c++)
                {
                    var chunkTimes = new TimeSpan[2];
                    foreach (var index in c % 2 == 0 ? new[] { true, false } : [false, true])
                    {
                        BatchDirectoryWriter.WriteSearchIndex = index;
                        chunkTimes[index ? 1 : 0] = (index ? indexed : plain).Write(chunks[c]);
                    }
                    times[0] += chunkTimes[0];
                    times[1] += chunkTimes[1];
                    ratios.Add(chunkTimes[1] / chunkTimes[0]);
                }
            }
            finally
            {
                BatchDirectoryWriter.WriteSearchIndex = true;
            }
            without.Add(times[0].TotalMicroseconds / events);
            with.Add(times[1].TotalMicroseconds / events);
        }
        var table = new MarkdownTable($"Search index cost in the store writer alone: {events:N0} of the same events in chunks of 1,000, grouped and written (WAL, no sync) by two writers in turns, {passes} passes, medians (CPU of the writing thread)",
            "set-up", "writer CPU µs/event", "× without", "median of per-chunk ratios");
        table.Add("without the search index (bench switch)", Stats.Median(without), 1.0, 1.0);
        table.Add("search index written (the default)", Stats.Median(with), Stats.Median(with) / Stats.Median(without), Stats.Median(ratios));
        return table.ToString();
    }

    static IngestResult MeasureIngest(bool searchIndex, int events)
    {
        using var directory = new TempDirectory();
        var name = $"bench-search-ingest-{searchIndex}-{Guid.NewGuid():N}";
        // Read by the store's writer thread, which the logger below starts: set before it, put back after.
        BatchDirectoryWriter.WriteSearchIndex = searchIndex;
        try
        {
            using var logger = MemStreamLogger(name, directory.Path, events);
            var memStream = MemStream.Named(name);
            var (elapsed, cpu, writer) = Ingest(logger, memStream, new SearchEvents(events, DateTimeOffset.UtcNow));
            Compactions.CompactSink(name);
            var bytes = new DirectoryInfo(directory.Path).EnumerateFiles("*.sst", SearchOption.AllDirectories).Sum(f => f.Length);
            return new IngestResult(events / elapsed.TotalSeconds, cpu.TotalMicroseconds / events, writer?.TotalMicroseconds / events ?? double.NaN, (double)bytes / events);
        }
        finally
        {
            BatchDirectoryWriter.WriteSearchIndex = true;
        }
    }

    /// <summary>A sink that keeps few events in memory (the store is what is searched) and queues every event for the store.</summary>
    static Logger MemStreamLogger(string name, string storePath, int events) =>
        new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.MemStream(name: name, storePath: storePath, bufferSize: 1024, queueLimit: events, storeQueueLimit: events)
            .CreateLogger();

    /// <summary>
    /// Logs the events, the app waiting (1 ms at a time, not spinning, so as not to add to the process CPU) while
    /// more than <see cref="PacedBacklog"/> are queued; returns the time, the process's CPU and the store writer thread's
    /// (where the search index is made and written; null when it cannot be read) from the first Emit to Flush.
    /// </summary>
    static (TimeSpan Elapsed, TimeSpan Cpu, TimeSpan? Writer) Ingest(Logger logger, MemStreamInstance memStream, SearchEvents events)
    {
        GC.Collect();
        // The thread is named "MemStream store writer (sink)"; Linux keeps its first 15 characters. One sink runs at a time.
        var writer = ThreadCpu.Start("MemStream store");
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < events.Count; i++)
        {
            logger.Write(events.Event(i));
            if (i % 1000 == 0)
            {
                while (memStream.Status() is var status && status.QueuePending + status.StoreQueuePending > PacedBacklog)
                    Thread.Sleep(1);
            }
        }
        memStream.Flush();
        return (watch.Elapsed, Environment.CpuUsage.TotalTime - cpu, writer?.Elapsed());
    }

    static TimeSpan Time(Action action)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    static long DirectoryBytes(string path) => new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
