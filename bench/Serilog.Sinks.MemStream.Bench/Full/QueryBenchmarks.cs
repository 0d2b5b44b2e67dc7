using BenchmarkDotNet.Attributes;
using Serilog.Events;
using Serilog.Sinks.MemStream.Bench.Engines;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Full;

/// <summary>One correlation id's 100 events out of 1,000,000, from MemStream's store, raw RocksDB and SQLite.</summary>
[MemoryDiagnoser]
public class QueryBenchmarks
{
    const int Events = 1_000_000;
    const string Name = "bench-query";
    TempDirectory _directory = null!;
    Core.Logger _logger = null!;
    RawRocksStore _raw = null!;
    SqliteStore _sqlite = null!;
    int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = new TempDirectory();
        _logger = new LoggerConfiguration().WriteTo.MemStream(name: Name, storePath: Path.Combine(_directory.Path, "memstream"), queueLimit: Events, storeQueueLimit: Events).CreateLogger();
        var loggers = Workload.ContextualLoggers(_logger);
        for (var i = 0; i < Events; i++)
            Workload.Log(loggers, i);
        MemStream.Named(Name).Flush();
        var corpus = StoreCorpus.Create(Events);
        _raw = new RawRocksStore(Path.Combine(_directory.Path, "raw"));
        _raw.Ingest(corpus);
        _sqlite = new SqliteStore(Path.Combine(_directory.Path, "events.sqlite"));
        _sqlite.Ingest(corpus);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sqlite.Dispose();
        _raw.Dispose();
        _logger.Dispose();
        _directory.Dispose();
    }

    string NextId() => Workload.CorrelationId(_next = (_next + 7919) % Workload.CorrelationIdCount);

    [Benchmark(Baseline = true)]
    public int Sqlite() => _sqlite.Query(NextId(), LogEventLevel.Information).Count;

    [Benchmark]
    public int MemStreamQuery() => MemStream.Named(Name).Query(NextId(), LogEventLevel.Information).Count;

    [Benchmark]
    public int RawRocksDb() => _raw.Query(NextId(), LogEventLevel.Information).Count;
}
