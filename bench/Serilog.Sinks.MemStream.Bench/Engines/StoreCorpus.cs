using Serilog.Sinks.MemStream.Bench.Support;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// The workload's events encoded exactly as MemStream's store writes them (same keys, same value
/// bytes), so that raw RocksDB and SQLite are timed on the same data without MemStream's own work.
/// </summary>
internal sealed class StoreCorpus
{
    StoreCorpus(byte[][] keys, byte[][] values, string[] ids, int[] levels)
    {
        Keys = keys;
        Values = values;
        Ids = ids;
        Levels = levels;
    }

    public byte[][] Keys { get; }
    public byte[][] Values { get; }
    public string[] Ids { get; }
    public int[] Levels { get; }
    public int Count => Keys.Length;

    public static StoreCorpus Create(int count)
    {
        var keys = new byte[count][];
        var values = new byte[count][];
        var ids = new string[count];
        var levels = new int[count];
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        var prefixes = Enumerable.Range(0, Workload.CorrelationIdCount).Select(i => StoreKey.Prefix(Workload.CorrelationId(i))).ToArray();
        for (var i = 0; i < count; i++)
        {
            var logEvent = Workload.Event(i);
            ids[i] = Workload.CorrelationId(i);
            levels[i] = (int)logEvent.Level;
            keys[i] = StoreKey.Key(prefixes[i % Workload.CorrelationIdCount], i + 1);
            values[i] = StoredEventCodec.Encode(logEvent, expires);
        }
        return new StoreCorpus(keys, values, ids, levels);
    }
}
