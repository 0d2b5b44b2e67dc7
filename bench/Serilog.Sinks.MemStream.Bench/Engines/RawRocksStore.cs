using RocksDbSharp;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>The engine's limit: RocksDB with MemStream's options, written in WriteBatches of 1,000, read by prefix.</summary>
internal sealed class RawRocksStore : IDisposable
{
    readonly RocksDb _database;

    public RocksDb Database => _database;

    public RawRocksStore(string path)
    {
        var options = new DbOptions().SetCreateIfMissing(true).SetCompression(Compression.Lz4);
        _database = RocksDb.Open(options, path);
    }

    public void Ingest(StoreCorpus corpus)
    {
        var unsynced = new WriteOptions().SetSync(false);
        for (var start = 0; start < corpus.Count; start += 1000)
        {
            using var batch = new WriteBatch();
            for (var i = start; i < Math.Min(start + 1000, corpus.Count); i++)
                batch.Put(corpus.Keys[i], corpus.Values[i]);
            _database.Write(batch, unsynced);
        }
        using var last = new WriteBatch();
        last.Put("sequence"u8.ToArray(), BitConverter.GetBytes((long)corpus.Count));
        _database.Write(last, new WriteOptions().SetSync(true));
    }

    /// <summary>The id's events at or above the level, decoded, in key (write) order.</summary>
    public List<LogEvent> Query(string correlationId, LogEventLevel minLevel)
    {
        var prefix = StoreKey.Prefix(correlationId);
        var events = new List<LogEvent>();
        using var iterator = _database.NewIterator();
        for (iterator.Seek(prefix); iterator.Valid(); iterator.Next())
        {
            var key = iterator.Key();
            if (!key.AsSpan().StartsWith(prefix))
                break;
            var value = iterator.Value();
            if (StoredEventCodec.TryReadHeader(value, out var level, out _) && level >= minLevel && StoredEventCodec.TryDecode(value, out var logEvent))
                events.Add(logEvent!);
        }
        return events;
    }

    public void Dispose() => _database.Dispose();
}
