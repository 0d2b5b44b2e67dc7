using System.Text;
using RocksDbSharp;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The read side of one sink's part of a <see cref="SharedDatabase"/>: its events by correlation id or
/// trace id (across all its TTL families, in write order, expired ones left out) and the correlation
/// ids that have live entries.
/// </summary>
internal sealed class StoreQueries(SharedDatabase database, StoreSettings settings)
{
    readonly SharedDatabase _database = database;
    readonly StoreSettings _settings = settings;

    public StoredPage Query(string id, LogEventLevel minLevel, long after, int limit, long maxBytes)
    {
        using (_database.Reading())
        {
            var families = _database.FamiliesOf(_settings.SinkName).Select(f => (f.Handle, f.Family.Epoch)).ToList();
            return Scan(_database.Database, families, id, minLevel, after, limit, maxBytes, suffixBytes: 0);
        }
    }

    /// <summary>
    /// The live events whose correlation id is exactly <paramref name="id"/> or, when it is a W3C trace id
    /// (32 hexadecimal digits, in any case), whose trace id is that one: each event once, after a sequence number and at
    /// or above a level, across the given families, in write order, at most <paramref name="limit"/> events and
    /// about <paramref name="maxBytes"/> bytes of stored values (at least one event, however large). The
    /// same scan serves the sink and the memstream tool, which reads raw values: <paramref name="suffixBytes"/>
    /// is what RocksDB's TTL appended to each (0 through a database opened with TTL). Each family is given
    /// with its <see cref="KeyEpoch"/>, which turns its keys' numbers into sequence numbers.
    /// </summary>
    public static StoredPage Scan(RocksDb database, IReadOnlyList<(ColumnFamilyHandle Handle, int Epoch)> families, string id,
        LogEventLevel minLevel, long after, int limit, long maxBytes, int suffixBytes)
    {
        var bound = new PageBound(limit, maxBytes);
        var found = ScanPrefix(database, families, StoreKey.Prefix(id), trace: null, minLevel, after, bound, suffixBytes);
        if (TraceIdText.TryParse(id, out var traceId))
        {
            // An event whose correlation id is its own trace id is found both ways.
            var traced = ScanPrefix(database, families, StoreKey.TracePrefix(traceId), traceId, minLevel, after, bound, suffixBytes);
            if (traced.Count > 0)
                found = [.. found.Concat(traced).DistinctBy(e => e.Event.Sequence).OrderBy(e => e.Event.Sequence)];
        }
        return bound.Page(found);
    }

    /// <summary>
    /// The live events of one key prefix (an id's keys and nothing else): a correlation id's events, or,
    /// with <paramref name="trace"/>, that trace's references followed to the events they name (and only
    /// to events of that trace, whatever a damaged value says). Keys and the references in each are in
    /// sequence order, so the scan starts at the first key above <paramref name="after"/> and stops at
    /// the page's bound in each family. Values are decoded where RocksDB holds them, without a copy.
    /// </summary>
    static List<PageBound.Sized> ScanPrefix(RocksDb database, IReadOnlyList<(ColumnFamilyHandle Handle, int Epoch)> families, byte[] prefix,
        System.Diagnostics.ActivityTraceId? trace, LogEventLevel minLevel, long after, PageBound bound, int suffixBytes)
    {
        // Every key of the id is below the prefix with its ':' raised by one, so iterators stop there
        // instead of reading on into the next id's block.
        var upperBound = (byte[])prefix.Clone();
        upperBound[^1]++;
        var readOptions = new ReadOptions().SetIterateUpperBound(upperBound);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var perFamily = new List<List<PageBound.Sized>>();
        foreach (var (family, epoch) in families)
        {
            if (KeyEpoch.AfterInKeys(epoch, after) is not { } afterInKeys)
                continue; // the whole epoch lies at or before 'after'
            var seekKey = StoreKey.Key(prefix, afterInKeys + 1);
            var events = new List<PageBound.Sized>();
            var scan = bound.StartScan();
            using var iterator = database.NewIterator(family, readOptions);
            for (iterator.Seek(seekKey); iterator.Valid() && !scan.IsFull; iterator.Next())
            {
                if (!StoreKey.TryMatch(iterator.GetKeySpan(), prefix, out var sequence))
                    continue; // another id that starts with this one and a colon
                var value = WithoutSuffix(iterator.GetValueSpan(), suffixBytes);
                if (trace is null)
                {
                    if (sequence > afterInKeys)
                        AddIfLive(events, ref scan, KeyEpoch.FromKey(epoch, sequence), value, trace, minLevel, now);
                    continue;
                }
                if (!StoredReference.TryRead(value, out _, out var references))
                    continue; // damaged: maintenance removes it
                while (!scan.IsFull && StoredReference.TryReadItem(ref references, out var level, out var eventKey))
                {
                    if (level >= minLevel && StoreKey.TrySplit(eventKey, out _, out var referenced) && referenced > afterInKeys
                        && database.Get(eventKey.ToArray(), family) is { } referencedValue)
                        AddIfLive(events, ref scan, KeyEpoch.FromKey(epoch, referenced), WithoutSuffix(referencedValue, suffixBytes), trace, minLevel, now);
                }
            }
            perFamily.Add(events);
        }
        // The bound lives in unmanaged memory that the options free when they are finalized.
        GC.KeepAlive(readOptions);

        // Each family is in write order already; events of several families (retention by level) are merged.
        return perFamily.Count == 1 ? perFamily[0] : [.. perFamily.SelectMany(f => f).OrderBy(e => e.Event.Sequence)];
    }

    static void AddIfLive(List<PageBound.Sized> events, ref PageBound.Scan scan, long sequence, ReadOnlySpan<byte> value,
        System.Diagnostics.ActivityTraceId? trace, LogEventLevel minLevel, long now)
    {
        if (StoredEventCodec.TryReadHeader(value, out var level, out var expiresAt) && level >= minLevel && expiresAt > now
            && StoredEventCodec.TryDecode(value, out var logEvent) && (trace is null || logEvent!.TraceId == trace))
        {
            events.Add(new(new MemStreamStoredEvent(sequence, logEvent!), value.Length));
            scan.Took(value.Length);
        }
    }

    static ReadOnlySpan<byte> WithoutSuffix(ReadOnlySpan<byte> raw, int suffixBytes) => raw.Length >= suffixBytes ? raw[..^suffixBytes] : [];

    public IReadOnlyList<string> CorrelationIds()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var correlationKeysOnly = new ReadOptions().SetIterateUpperBound(StoreKey.CorrelationKeysEnd());
        using (_database.Reading())
        {
            foreach (var (_, family, _) in _database.FamiliesOf(_settings.SinkName))
            {
                // The other key forms sort after every correlation id's: the scan stops where they begin.
                using var iterator = _database.Database.NewIterator(family, correlationKeysOnly);
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
        GC.KeepAlive(correlationKeysOnly);
        return ids.Order(StringComparer.Ordinal).ToList();
    }
}
