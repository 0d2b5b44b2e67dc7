using System.Text;
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

    /// <summary>A checked query: an id's history, or a search across ids (<see cref="StoreSearch"/>).</summary>
    public MemStreamSearchPage Search(MemStreamQuery query)
    {
        using (_database.Reading())
        {
            var families = _database.FamiliesOf(_settings.SinkName);
            return query.Id is null
                ? StoreSearch.Across(_database.Database, families, query, suffixBytes: 0)
                : StoreSearch.OfId(_database.Database, families, query, suffixBytes: 0);
        }
    }

    /// <summary>
    /// The live events whose correlation id is exactly <paramref name="id"/> or, when it is a W3C trace id
    /// (32 hexadecimal digits, in any case), whose trace id is that one: each event once, after a sequence number and at
    /// or above a level, across the given families, in write order, at most <paramref name="limit"/> events and
    /// about <paramref name="maxBytes"/> bytes of stored values (at least one event, however large). The
    /// same scan serves the sink and the memstream tool, which reads raw values: <paramref name="suffixBytes"/>
    /// is what RocksDB's TTL appended to each (0 through a database opened with TTL). Each family's
    /// <see cref="KeyEpoch"/> turns its keys' numbers into sequence numbers.
    /// </summary>
    public static StoredPage Scan(RocksDatabase database, IReadOnlyList<OpenFamily> families, string id,
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
    /// The live events of one key prefix (an id's index keys and nothing else): the groups a correlation id's
    /// entries point to, or, with <paramref name="trace"/>, the groups a trace's entries name (only their events of
    /// that trace, whatever a damaged value says); and entries of format 1. An id has one index entry per family per
    /// write batch, keyed by its first event there, so the scan starts at the last entry that begins at or before
    /// the event after <paramref name="after"/>, and stops at the page's bound in each family.
    /// </summary>
    static List<PageBound.Sized> ScanPrefix(RocksDatabase database, IReadOnlyList<OpenFamily> families, byte[] prefix,
        System.Diagnostics.ActivityTraceId? trace, LogEventLevel minLevel, long after, PageBound bound, int suffixBytes)
    {
        // Every key of the id is below the prefix with its ':' raised by one, so iterators stop there
        // instead of reading on into the next id's block.
        var upperBound = (byte[])prefix.Clone();
        upperBound[^1]++;
        using var readOptions = new RocksReadOptions(prefix, upperBound);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var found = new List<PageBound.Sized>();
        foreach (var family in families)
        {
            var epoch = family.Family.Epoch;
            if (KeyEpoch.AfterInKeys(epoch, after) is not { } afterInKeys)
                continue; // the whole epoch lies at or before 'after'
            var scan = bound.StartScan();
            var filter = new EventFilter(epoch, afterInKeys, trace, minLevel, now);
            using var iterator = database.NewIterator(family.Index, readOptions);
            iterator.SeekForPrev(StoreKey.Key(prefix, afterInKeys + 1));
            if (!iterator.Valid())
                iterator.Seek(prefix);
            for (; iterator.Valid(); iterator.Next())
            {
                if (!StoreKey.TryMatch(iterator.GetKeySpan(), prefix, out var keySequence))
                    continue; // another id that starts with this one and a colon
                if (scan.StopsBefore(KeyEpoch.FromKey(epoch, keySequence)))
                    break;
                var value = WithoutSuffix(iterator.GetValueSpan(), suffixBytes);
                if (GroupPointer.TryRead(value, out var highestLevel, out var latestExpiry))
                {
                    if (highestLevel >= minLevel && latestExpiry > now && ReadGroup(database, family, keySequence, suffixBytes) is { } group)
                        filter.AddEvents(found, scan, keySequence, group);
                }
                else if (trace is not null && GroupReferences.TryRead(value, out latestExpiry, out var groups))
                {
                    while (latestExpiry > now && GroupReferences.TryReadItem(ref groups, out var level, out var groupSequence, out var indexKey))
                    {
                        if (level < minLevel)
                            continue;
                        var group = indexKey.IsEmpty ? ReadGroup(database, family, groupSequence, suffixBytes) : ReadIndexed(database, family, indexKey, suffixBytes);
                        if (group is not null)
                            filter.AddEvents(found, scan, groupSequence, group);
                    }
                }
                else if (trace is not null && StoredReference.TryRead(value, out _, out var references))
                {
                    // Format 1: references to single events under their own keys in the index family.
                    while (StoredReference.TryReadItem(ref references, out var level, out var eventKey))
                    {
                        if (level >= minLevel && StoreKey.TrySplit(eventKey, out _, out var referenced)
                            && database.Get(eventKey.ToArray(), family.Index) is { } referencedValue)
                            filter.AddEvents(found, scan, referenced, WithoutSuffix(referencedValue, suffixBytes));
                    }
                }
                else
                    filter.AddEvents(found, scan, keySequence, value); // format 1: a single event
            }
        }
        // The bounds live in unmanaged memory that the options free when they are finalized.
        GC.KeepAlive(readOptions);

        // A family's groups may interleave (a trace's), and families (retention by level, epochs) are merged.
        found.Sort((a, b) => a.Event.Sequence.CompareTo(b.Event.Sequence));
        return found;
    }

    /// <summary>A group kept in the index under <paramref name="key"/>, without the TTL suffix; null when it is gone or cannot be read.</summary>
    public static byte[]? ReadIndexed(RocksDatabase database, OpenFamily family, ReadOnlySpan<byte> key, int suffixBytes) =>
        TryGet(database, key.ToArray(), family.Index, suffixBytes);

    /// <summary>The group stored in the family's log under this sequence number, without the TTL suffix; null when it is gone or cannot be read.</summary>
    public static byte[]? ReadGroup(RocksDatabase database, OpenFamily family, long keySequence, int suffixBytes) =>
        family.Log is { } log ? TryGet(database, StoreKey.LogKey(keySequence), log, suffixBytes) : null;

    /// <summary>
    /// The events an index entry of an id holds: its group in the log when it is a pointer, else the value itself (a group
    /// kept in the index, or an event of format 1); null when the group is gone.
    /// </summary>
    public static byte[]? EventsOf(RocksDatabase database, OpenFamily family, long keySequence, ReadOnlySpan<byte> value, int suffixBytes) =>
        GroupPointer.TryRead(value, out _, out _) ? ReadGroup(database, family, keySequence, suffixBytes) : value.ToArray();

    static byte[]? TryGet(RocksDatabase database, byte[] key, RocksFamily family, int suffixBytes)
    {
        byte[]? raw;
        try
        {
            raw = database.Get(key, family);
        }
        catch (RocksException)
        {
            return null; // a damaged block: skipped, as an undecodable value is; maintenance reports the damage
        }
        return raw is null ? null : suffixBytes == 0 ? raw : WithoutSuffix(raw, suffixBytes).ToArray();
    }

    /// <summary>Which events of an entry a scan takes: after a sequence number, at or above a level, not expired, of the trace if one is given.</summary>
    readonly struct EventFilter(int epoch, long afterInKeys, System.Diagnostics.ActivityTraceId? trace, LogEventLevel minLevel, long now)
    {
        public void AddEvents(List<PageBound.Sized> found, PageBound.Scan scan, long keySequence, ReadOnlySpan<byte> value)
        {
            if (!StoredEvents.TryOpen(value, keySequence, out var events, out var highestLevel, out var latestExpiry)
                || highestLevel < minLevel || latestExpiry <= now)
                return;
            while (events.TryNext(out var inKey, out var eventValue))
            {
                if (inKey > afterInKeys
                    && StoredEventCodec.TryReadHeader(eventValue, out var level, out var expiresAt) && level >= minLevel && expiresAt > now
                    && StoredEventCodec.TryDecode(eventValue, out var logEvent) && (trace is null || logEvent!.TraceId == trace)
                    && scan.Wants(KeyEpoch.FromKey(epoch, inKey)))
                {
                    var sequence = KeyEpoch.FromKey(epoch, inKey);
                    found.Add(new(new MemStreamStoredEvent(sequence, logEvent!), eventValue.Length));
                    scan.Took(sequence, eventValue.Length);
                }
            }
        }
    }

    static ReadOnlySpan<byte> WithoutSuffix(ReadOnlySpan<byte> raw, int suffixBytes) => raw.Length >= suffixBytes ? raw[..^suffixBytes] : [];

    public IReadOnlyList<string> CorrelationIds()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var correlationKeysOnly = new RocksReadOptions(upperBound: StoreKey.CorrelationKeysEnd());
        using (_database.Reading())
        {
            foreach (var family in _database.FamiliesOf(_settings.SinkName))
            {
                // The other key forms sort after every correlation id's: the scan stops where they begin.
                using var iterator = _database.Database.NewIterator(family.Index, correlationKeysOnly);
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    if (!StoreKey.TrySplit(iterator.GetKeySpan(), out var idForm, out var keySequence) || !IsLive(iterator.GetValueSpan(), now))
                        continue;
                    if (!StoreKey.IsShortened(idForm))
                        ids.Add(Encoding.UTF8.GetString(idForm));
                    else if (FirstEvent(_database.Database, family, keySequence, iterator.Value()) is { } logEvent
                        && CorrelationIdText.Of(logEvent, _settings.CorrelationIdProperty) is { } longId)
                        ids.Add(longId);
                }
            }
        }
        GC.KeepAlive(correlationKeysOnly);
        return ids.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether a correlation id's index entry (a pointer, or an event of format 1) has a live event, by its header alone.</summary>
    static bool IsLive(ReadOnlySpan<byte> value, long now) =>
        (GroupPointer.TryRead(value, out _, out var latestExpiry) || StoredGroup.TryRead(value, out _, out latestExpiry, out _)
            || StoredEventCodec.TryReadHeader(value, out _, out latestExpiry)) && latestExpiry > now;

    /// <summary>The first event an index entry leads to (its group's, or the event of format 1 itself).</summary>
    static LogEvent? FirstEvent(RocksDatabase database, OpenFamily family, long keySequence, byte[] value)
    {
        var events = EventsOf(database, family, keySequence, value, suffixBytes: 0);
        return events is not null && StoredEvents.TryOpen(events, keySequence, out var items, out _, out _)
            && items.TryNext(out _, out var first) && StoredEventCodec.TryDecode(first, out var logEvent) ? logEvent : null;
    }
}
