using System.Diagnostics;
using Serilog.Sinks.MemStream.Search;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A search across ids (<see cref="MemStreamQuery"/> without an id): the store read batch by batch, newest first,
/// through each family's search index (<see cref="BatchDirectory"/>: the problems entries at Warning and above, else
/// the entries naming every group). Families (retentions, epochs) are read together, always the one whose next batch
/// is newest, and an event is returned only once every family has been read down to it, so pages have no hole and no
/// duplicate however families interleave. A search stops at its page's limit or byte bound, or when it has examined
/// its budget of events or spent <see cref="MemStreamQuery.TimeBudget"/>; its page says where to go on.
/// </summary>
internal static class StoreSearch
{
    /// <summary>One search over the given families (a sink's, or a read-only store's, whose values carry <paramref name="suffixBytes"/> of TTL suffix).</summary>
    public static MemStreamSearchPage Across(RocksDatabase database, IReadOnlyList<OpenFamily> families, MemStreamQuery query, int suffixBytes)
    {
        var started = Stopwatch.GetTimestamp();
        var criteria = new EventCriteria(query);
        var problems = query.MinLevel >= BatchDirectoryWriter.ProblemLevel;
        var prefix = StoreKey.DirectoryPrefix(problems);
        var upperBound = (byte[])prefix.Clone();
        upperBound[^1]++;
        using var readOptions = new RocksReadOptions(prefix, upperBound);
        var before = query.Before ?? long.MaxValue;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cursors = new List<Cursor>();
        var found = new List<PageBound.Sized>();
        long scanned = 0;
        try
        {
            foreach (var family in families)
            {
                if (Cursor.Open(database, family, readOptions, prefix, before) is { } cursor)
                    cursors.Add(cursor);
            }
            while (true)
            {
                var threshold = cursors.Count == 0 ? 0 : cursors.Max(c => c.Unread);
                if (IsFull(found, threshold, query.Limit))
                    return Cut(found, threshold, query.Limit, exhausted: false);
                var newest = cursors.Where(c => c.Valid).MaxBy(c => c.Sequence);
                if (newest is null)
                    return Cut(found, 0, query.Limit, exhausted: true);
                // Out of budget only once every family has been read below the page's start, so every page moves on.
                if (threshold < before && (scanned >= query.ScanBudget || Stopwatch.GetElapsedTime(started) >= MemStreamQuery.TimeBudget))
                    return Cut(found, threshold, query.Limit, exhausted: false);
                scanned += newest.ReadBatch(database, query, criteria, now, before, suffixBytes, found);
            }
        }
        finally
        {
            foreach (var cursor in cursors)
                cursor.Dispose();
            // The bounds live in unmanaged memory that the options free when they are finalized.
            GC.KeepAlive(readOptions);
        }

        MemStreamSearchPage Cut(List<PageBound.Sized> all, long threshold, int limit, bool exhausted)
        {
            // Only what lies at or above every family's unread part is settled; the rest waits for the next page.
            var settled = all.Where(e => e.Event.Sequence >= threshold).OrderByDescending(e => e.Event.Sequence).ToList();
            var page = new List<MemStreamStoredEvent>(Math.Min(settled.Count, limit));
            long bytes = 0;
            foreach (var (storedEvent, size) in settled)
            {
                if (page.Count >= limit || (page.Count > 0 && bytes >= MemStreamQuery.MaxBytes))
                    break;
                page.Add(storedEvent);
                bytes += size;
            }
            // Every match at or above the threshold is on the page unless the page is full: then the next starts below its last.
            long? next = page.Count < settled.Count ? page[^1].Sequence
                : exhausted || threshold <= 1 ? null
                : threshold;
            return new MemStreamSearchPage(page, next, scanned);
        }
    }

    /// <summary>
    /// A search of one id's history (<see cref="MemStreamQuery.Id"/> given): a page of the id's events in write order after
    /// <see cref="MemStreamQuery.After"/> (the query's own scan, by level), of which those meeting the other criteria are
    /// returned. A page examines at most the query's limit of the id's events.
    /// </summary>
    public static MemStreamSearchPage OfId(RocksDatabase database, IReadOnlyList<OpenFamily> families, MemStreamQuery query, int suffixBytes)
    {
        var page = StoreQueries.Scan(database, families, query.Id!, query.MinLevel, query.After, query.Limit, MemStreamQuery.MaxBytes, suffixBytes);
        var criteria = new EventCriteria(query);
        var matching = page.Events.Where(e => criteria.Matches(e.LogEvent)).ToList();
        return new MemStreamSearchPage(matching, page.MayHaveMore && page.Events.Count > 0 ? page.Events[^1].Sequence : null, page.Events.Count);
    }

    /// <summary>True when the events settled above <paramref name="threshold"/> already fill a page.</summary>
    static bool IsFull(List<PageBound.Sized> found, long threshold, int limit)
    {
        int events = 0;
        long bytes = 0;
        foreach (var (storedEvent, size) in found)
        {
            if (storedEvent.Sequence < threshold)
                continue;
            events++;
            bytes += size;
            if (events >= limit || bytes >= MemStreamQuery.MaxBytes)
                return true;
        }
        return false;
    }

    /// <summary>One family's search index, read backwards from the page's start.</summary>
    sealed class Cursor : IDisposable
    {
        readonly OpenFamily _family;
        readonly RocksIterator _iterator;
        readonly byte[] _prefix;

        Cursor(OpenFamily family, RocksIterator iterator, byte[] prefix, long before)
        {
            _family = family;
            _iterator = iterator;
            _prefix = prefix;
            Unread = before;
            SkipUnreadable();
        }

        /// <summary>Every event of the family not yet read is below this sequence number.</summary>
        public long Unread { get; private set; }

        public bool Valid { get; private set; }

        /// <summary>The sequence number of the next batch's first event in the family.</summary>
        public long Sequence { get; private set; }

        public static Cursor? Open(RocksDatabase database, OpenFamily family, RocksReadOptions readOptions, byte[] prefix, long before)
        {
            var epoch = family.Family.Epoch;
            var beforeInKeys = before == long.MaxValue ? long.MaxValue : before - epoch * KeyEpoch.Length;
            if (family.Log is null || beforeInKeys <= 1)
                return null; // a family written before logs has no search index; or the whole epoch is at or after 'before'
            var iterator = database.NewIterator(family.Index, readOptions);
            if (beforeInKeys > KeyEpoch.Length)
                iterator.SeekToLast();
            else
                iterator.SeekForPrev(StoreKey.Key(prefix, beforeInKeys - 1));
            return new Cursor(family, iterator, prefix, before);
        }

        /// <summary>
        /// Reads the batch the cursor is at into <paramref name="found"/> and moves to the one before; returns how many
        /// stored events it examined. A batch written before the query's <c>from</c> ends the family (everything before
        /// it was written earlier still); one whose earliest event is after its <c>to</c> is passed unread.
        /// </summary>
        public long ReadBatch(RocksDatabase database, MemStreamQuery query, EventCriteria criteria, long now, long before, int suffixBytes, List<PageBound.Sized> found)
        {
            long examined = 0;
            var value = WithoutSuffix(_iterator.GetValueSpan(), suffixBytes);
            if (BatchDirectory.TryRead(value, out var latestExpiry, out var writtenAt, out var earliest, out var items))
            {
                if (writtenAt < criteria.From)
                {
                    Valid = false;
                    Unread = 0;
                    return 0;
                }
                if (latestExpiry > now && earliest <= criteria.To)
                {
                    while (GroupReferences.TryReadItem(ref items, out var level, out var groupSequence, out var indexKey))
                    {
                        if (level < query.MinLevel)
                            continue;
                        var group = indexKey.IsEmpty
                            ? StoreQueries.ReadGroup(database, _family, groupSequence, suffixBytes)
                            : StoreQueries.ReadIndexed(database, _family, indexKey, suffixBytes);
                        if (group is not null)
                            examined += ReadGroup(group, groupSequence, query, criteria, now, before, found);
                    }
                }
            }
            Unread = Sequence;
            _iterator.Prev();
            SkipUnreadable();
            return examined;
        }

        long ReadGroup(byte[] group, long groupSequence, MemStreamQuery query, EventCriteria criteria, long now, long before, List<PageBound.Sized> found)
        {
            long examined = 0;
            var epoch = _family.Family.Epoch;
            if (!StoredEvents.TryOpen(group, groupSequence, out var events, out var highest, out _) || highest < query.MinLevel)
                return 0;
            while (events.TryNext(out var inKey, out var eventValue))
            {
                examined++;
                var sequence = KeyEpoch.FromKey(epoch, inKey);
                if (sequence < before
                    && StoredEventCodec.TryReadHeader(eventValue, out var level, out var expiresAt) && level >= query.MinLevel && expiresAt > now
                    && StoredEventCodec.TryReadTimestamp(eventValue, out var timestamp) && criteria.InTime(timestamp)
                    && StoredEventCodec.TryDecode(eventValue, out var logEvent) && criteria.Matches(logEvent!))
                    found.Add(new(new MemStreamStoredEvent(sequence, logEvent!), eventValue.Length));
            }
            return examined;
        }

        /// <summary>Moves back past keys that are not this index's (none should be), to a valid entry or the start.</summary>
        void SkipUnreadable()
        {
            for (; _iterator.Valid(); _iterator.Prev())
            {
                if (StoreKey.TryMatch(_iterator.GetKeySpan(), _prefix, out var keySequence))
                {
                    Valid = true;
                    Sequence = KeyEpoch.FromKey(_family.Family.Epoch, keySequence);
                    return;
                }
            }
            Valid = false;
            Unread = 0;
        }

        public void Dispose() => _iterator.Dispose();
    }

    static ReadOnlySpan<byte> WithoutSuffix(ReadOnlySpan<byte> raw, int suffixBytes) => raw.Length >= suffixBytes ? raw[..^suffixBytes] : [];
}
