using System.Diagnostics;
using RocksDbSharp;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// Waits for RocksDB's background flushes and compactions to finish, so that queries are timed
/// against a settled store rather than against compaction of the million events just written.
/// </summary>
internal static class Compactions
{
    static readonly string[] BusyProperties = ["rocksdb.num-running-flushes", "rocksdb.num-running-compactions", "rocksdb.compaction-pending"];

    public static void WaitUntilSettled(RocksDb database, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (BusyProperties.Any(p => database.GetProperty(p) is not (null or "0")) && watch.Elapsed < limit)
            Thread.Sleep(50);
    }

    /// <summary>The database under a MemStream sink's store.</summary>
    public static RocksDb DatabaseOf(string sinkName) =>
        ((RocksEventStore)SinkRegistry.Resolve(sinkName)!.Store).Database.Database;
}
