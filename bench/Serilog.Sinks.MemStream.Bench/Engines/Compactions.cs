using System.Diagnostics;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// Waits for RocksDB's background flushes and compactions to finish, so that queries are timed
/// against a settled store rather than against compaction of the million events just written.
/// </summary>
internal static class Compactions
{
    static readonly string[] BusyProperties = ["rocksdb.num-running-flushes", "rocksdb.num-running-compactions", "rocksdb.compaction-pending"];

    /// <summary>Waits on a database through its property reader (RocksDbSharp's for the raw engine, the store's own for a sink).</summary>
    public static void WaitUntilSettled(Func<string, string?> property, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (BusyProperties.Any(p => property(p) is not (null or "0")) && watch.Elapsed < limit)
            Thread.Sleep(50);
    }

    /// <summary>Compacts every family of a sink's store and waits for it, so that its SST files' size is comparable across runs.</summary>
    public static void CompactSink(string sinkName)
    {
        var database = DatabaseOf(sinkName);
        database.CompactRange(null, null, database.DefaultFamily);
        foreach (var family in ((RocksEventStore)SinkRegistry.Resolve(sinkName)!.Store).Database.FamiliesOf(sinkName))
        {
            database.CompactRange(null, null, family.Index);
            if (family.Log is { } log)
                database.CompactRange(null, null, log);
        }
        WaitUntilSettled(database.GetProperty, TimeSpan.FromSeconds(20));
    }

    /// <summary>The database under a MemStream sink's store.</summary>
    public static RocksDatabase DatabaseOf(string sinkName) =>
        ((RocksEventStore)SinkRegistry.Resolve(sinkName)!.Store).Database.Database;
}
