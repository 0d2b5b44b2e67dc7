using System.Text;
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
        var prefix = StoreKey.Prefix(correlationId);
        var seekKey = StoreKey.Key(prefix, after + 1);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var found = new List<(long Sequence, byte[] Value)>();

        using (_database.Reading())
        {
            foreach (var (_, family) in _database.FamiliesOf(_settings.SinkName))
            {
                var taken = 0;
                using var iterator = _database.Database.NewIterator(family);
                for (iterator.Seek(seekKey); iterator.Valid() && taken < limit; iterator.Next())
                {
                    var key = iterator.Key();
                    if (!key.AsSpan().StartsWith(prefix))
                        break;
                    if (!StoreKey.TryMatch(key, prefix, out var sequence))
                        continue; // another id that starts with this one and a colon
                    var value = iterator.Value();
                    if (!StoredEventCodec.TryReadHeader(value, out var level, out var expiresAt) || level < minLevel || expiresAt <= now)
                        continue;
                    found.Add((sequence, value));
                    taken++;
                }
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
