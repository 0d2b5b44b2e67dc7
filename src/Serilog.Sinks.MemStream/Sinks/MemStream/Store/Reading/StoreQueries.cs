using System.Text;
using RocksDbSharp;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The read side of one sink's part of a <see cref="SharedDatabase"/>: its events by correlation id
/// (across all its TTL families, in write order, expired ones left out) and the ids that have live entries.
/// </summary>
internal sealed class StoreQueries(SharedDatabase database, StoreSettings settings)
{
    readonly SharedDatabase _database = database;
    readonly StoreSettings _settings = settings;

    public IReadOnlyList<MemStreamStoredEvent> Query(string correlationId, LogEventLevel minLevel, long after, int limit)
    {
        using (_database.Reading())
        {
            var families = _database.FamiliesOf(_settings.SinkName).Select(f => f.Handle);
            return Scan(_database.Database, families, correlationId, minLevel, after, limit, suffixBytes: 0);
        }
    }

    /// <summary>
    /// The live entries of exactly one correlation id after a sequence number and at or above a level,
    /// across the given families, in write order, at most <paramref name="limit"/>. The same scan serves
    /// the sink and the memstream tool, which reads raw values: <paramref name="suffixBytes"/> is what
    /// RocksDB's TTL appended to each (0 through a database opened with TTL). Values are decoded where
    /// RocksDB holds them, without a copy.
    /// </summary>
    public static List<MemStreamStoredEvent> Scan(RocksDb database, IEnumerable<ColumnFamilyHandle> families, string correlationId,
        LogEventLevel minLevel, long after, int limit, int suffixBytes)
    {
        var prefix = StoreKey.Prefix(correlationId);
        var seekKey = StoreKey.Key(prefix, after + 1);
        // Every key of the id is below the prefix with its ':' raised by one, so iterators stop there
        // instead of reading on into the next id's block.
        var upperBound = (byte[])prefix.Clone();
        upperBound[^1]++;
        var readOptions = new ReadOptions().SetIterateUpperBound(upperBound);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var perFamily = new List<List<MemStreamStoredEvent>>();
        foreach (var family in families)
        {
            var events = new List<MemStreamStoredEvent>();
            using var iterator = database.NewIterator(family, readOptions);
            for (iterator.Seek(seekKey); iterator.Valid() && events.Count < limit; iterator.Next())
            {
                if (!StoreKey.TryMatch(iterator.GetKeySpan(), prefix, out var sequence))
                    continue; // another id that starts with this one and a colon
                var raw = iterator.GetValueSpan();
                var value = raw.Length >= suffixBytes ? raw[..^suffixBytes] : [];
                if (StoredEventCodec.TryReadHeader(value, out var level, out var expiresAt) && level >= minLevel && expiresAt > now
                    && StoredEventCodec.TryDecode(value, out var logEvent))
                    events.Add(new MemStreamStoredEvent(sequence, logEvent!));
            }
            perFamily.Add(events);
        }
        // The bound lives in unmanaged memory that the options free when they are finalized.
        GC.KeepAlive(readOptions);

        // Each family is in write order already; events of several families (retention by level) are merged.
        return perFamily.Count == 1 ? perFamily[0] : [.. perFamily.SelectMany(f => f).OrderBy(e => e.Sequence).Take(limit)];
    }

    public IReadOnlyList<string> CorrelationIds()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using (_database.Reading())
        {
            foreach (var (_, family) in _database.FamiliesOf(_settings.SinkName))
            {
                using var iterator = _database.Database.NewIterator(family);
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    var key = iterator.Key();
                    var value = iterator.Value();
                    if (!StoreKey.TrySplit(key, out var idForm, out _)
                        || !StoredEventCodec.TryReadHeader(value, out _, out var expiresAt)
                        || expiresAt <= now)
                        continue;
                    if (!StoreKey.IsShortened(idForm))
                        ids.Add(Encoding.UTF8.GetString(idForm));
                    else if (StoredEventCodec.TryDecode(value, out var logEvent) && CorrelationIdText.Of(logEvent!, _settings.CorrelationIdProperty) is { } longId)
                        ids.Add(longId);
                }
            }
        }
        return ids.Order(StringComparer.Ordinal).ToList();
    }
}
