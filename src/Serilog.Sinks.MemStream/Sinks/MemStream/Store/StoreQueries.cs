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
            return Scan(_database.Database, families, correlationId, minLevel, after, limit, value => value);
        }
    }

    /// <summary>
    /// The live entries of exactly one correlation id after a sequence number and at or above a level,
    /// across the given families, in write order, at most <paramref name="limit"/>. The same scan serves
    /// the sink and the memstream tool, which reads raw values (<paramref name="valueOf"/> strips what
    /// RocksDB's TTL appended).
    /// </summary>
    public static List<MemStreamStoredEvent> Scan(RocksDb database, IEnumerable<ColumnFamilyHandle> families, string correlationId,
        LogEventLevel minLevel, long after, int limit, Func<byte[], byte[]> valueOf)
    {
        var prefix = StoreKey.Prefix(correlationId);
        var seekKey = StoreKey.Key(prefix, after + 1);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var found = new List<(long Sequence, byte[] Value)>();
        foreach (var family in families)
        {
            var taken = 0;
            using var iterator = database.NewIterator(family);
            for (iterator.Seek(seekKey); iterator.Valid() && taken < limit; iterator.Next())
            {
                var key = iterator.Key();
                if (!key.AsSpan().StartsWith(prefix))
                    break;
                if (!StoreKey.TryMatch(key, prefix, out var sequence))
                    continue; // another id that starts with this one and a colon
                var value = valueOf(iterator.Value());
                if (!StoredEventCodec.TryReadHeader(value, out var level, out var expiresAt) || level < minLevel || expiresAt <= now)
                    continue;
                found.Add((sequence, value));
                taken++;
            }
        }

        var events = new List<MemStreamStoredEvent>(Math.Min(found.Count, limit));
        foreach (var (sequence, value) in found.OrderBy(f => f.Sequence))
        {
            if (events.Count == limit)
                break;
            if (StoredEventCodec.TryDecode(value, out var logEvent))
                events.Add(new MemStreamStoredEvent(sequence, logEvent!));
        }
        return events;
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
