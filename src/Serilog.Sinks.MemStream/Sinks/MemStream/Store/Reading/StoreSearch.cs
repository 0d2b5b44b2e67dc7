using System.Diagnostics;
using Serilog.Sinks.MemStream.Search;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A search across ids (<see cref="MemStreamQuery"/> without an id): the store read batch by batch, newest first,
/// through each family's search index (<see cref="BatchDirectory"/>: the problems entries at Warning and above, else
/// the entries naming every group), all families through one snapshot so that they agree on what is written. Each
/// family knows how far up its unread batches reach (<see cref="Cursor.Unread"/>); the family that reaches highest is
/// read next, and an event is returned only once every family has been read down to it, so pages have no hole and no
/// duplicate however families interleave. A search stops at its page's limit or byte bound, or when it has examined
/// its budget of events or spent <see cref="MemStreamQuery.TimeBudget"/> (a batch left half read then counts as
/// unread); its page says where to go on.
/// </summary>
internal static class StoreSearch
{
    /// <summary>One search over the given families (a sink's, or a read-only store's, whose values carry <paramref name="suffixBytes"/> of TTL suffix).</summary>
    public static MemStreamSearchPage Across(RocksDatabase database, IReadOnlyList<OpenFamily> families, MemStreamQuery query, int suffixBytes)
    {
        query.Check();
        var deadline = Stopwatch.GetTimestamp() + (long)(MemStreamQuery.TimeBudget.TotalSeconds * Stopwatch.Frequency);
        var read = new Run(query, new EventCriteria(query), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), suffixBytes);
        var prefix = StoreKey.DirectoryPrefix(problems: query.MinLevel >= BatchDirectoryWriter.ProblemLevel);
        var upperBound = (byte[])prefix.Clone();
        upperBound[^1]++;
        using var snapshot = database.Snapshot();
        using var readOptions = new RocksReadOptions(prefix, upperBound, snapshot);
        var before = query.Before ?? long.MaxValue;
        var cursors = new List<Cursor>();
        var found = new Found();
        long scanned = 0;
        try
        {
            foreach (var family in families)
            {
                if (Cursor.Open(database, family, readOptions, prefix, before, suffixBytes) is { } cursor)
                    cursors.Add(cursor);
            }
            while (true)
            {
                var threshold = cursors.Count == 0 ? 0 : cursors.Max(c => c.Unread);
                if (found.Fills(threshold, query.Limit, query.PageBytes))
                    return found.Page(threshold, query, exhausted: false, scanned);
                var highest = cursors.Where(c => c.Valid).MaxBy(c => c.Unread);
                if (highest is null)
                    return found.Page(0, query, exhausted: true, scanned);
                // Until every family is read below the page's start, batches are read whole, so every page moves on.
                var mustFinish = threshold >= before;
                if (!mustFinish && (scanned >= query.ScanBudget || Stopwatch.GetTimestamp() >= deadline))
                    return found.Page(threshold, query, exhausted: false, scanned);
                var examined = highest.ReadBatch(database, read, before, found, mustFinish ? long.MaxValue : deadline);
                if (examined < 0)
                    return found.Page(threshold, query, exhausted: false, scanned); // out of time in the batch: it counts as unread
                scanned += examined;
            }
        }
        finally
        {
            foreach (var cursor in cursors)
                cursor.Dispose();
        }
    }

    /// <summary>
    /// A search of one id's history (<see cref="MemStreamQuery.Id"/> given): a page of the id's events in write order after
    /// <see cref="MemStreamQuery.After"/> (the query's own scan, by level), of which those meeting the other criteria are
    /// returned. A page examines at most the query's limit of the id's events, and stops early, with a <c>next</c>
    /// after the last it examined, when a filter runs past <see cref="MemStreamQuery.TimeBudget"/>.
    /// </summary>
    public static MemStreamSearchPage OfId(RocksDatabase database, IReadOnlyList<OpenFamily> families, MemStreamQuery query, int suffixBytes)
    {
        query.Check();
        var deadline = Stopwatch.GetTimestamp() + (long)(MemStreamQuery.TimeBudget.TotalSeconds * Stopwatch.Frequency);
        var page = StoreQueries.Scan(database, families, query.Id!, query.MinLevel, query.After, query.Limit, query.PageBytes, suffixBytes);
        var criteria = new EventCriteria(query);
        var matching = new List<MemStreamStoredEvent>();
        for (var i = 0; i < page.Events.Count; i++)
        {
            if (i > 0 && Stopwatch.GetTimestamp() >= deadline)
                return new MemStreamSearchPage(matching, page.Events[i - 1].Sequence, i);
            if (criteria.Matches(page.Events[i].LogEvent))
                matching.Add(page.Events[i]);
        }
        return new MemStreamSearchPage(matching, page.MayHaveMore && page.Events.Count > 0 ? page.Events[^1].Sequence : null, page.Events.Count);
    }

    /// <summary>What one search reads by: its query, the criteria read from the events, the time, and the TTL suffix of values.</summary>
    sealed record Run(MemStreamQuery Query, EventCriteria Criteria, long Now, int SuffixBytes);

    /// <summary>The events found so far, with their stored sizes, and the page they make.</summary>
    sealed class Found
    {
        readonly List<PageBound.Sized> _events = [];
        long _bytes;

        public int Count => _events.Count;

        public void Add(MemStreamStoredEvent storedEvent, int bytes)
        {
            _events.Add(new(storedEvent, bytes));
            _bytes += bytes;
        }

        /// <summary>Forgets the events found since <paramref name="count"/> (a batch left half read).</summary>
        public void TrimTo(int count)
        {
            for (var i = count; i < _events.Count; i++)
                _bytes -= _events[i].Bytes;
            _events.RemoveRange(count, _events.Count - count);
        }

        /// <summary>True when the events settled at or above <paramref name="threshold"/> already fill a page.</summary>
        public bool Fills(long threshold, int limit, long maxBytes)
        {
            if (_events.Count < limit && _bytes < maxBytes)
                return false; // not even all of them would
            int events = 0;
            long bytes = 0;
            foreach (var (storedEvent, size) in _events)
            {
                if (storedEvent.Sequence < threshold)
                    continue;
                events++;
                bytes += size;
                if (events >= limit || bytes >= maxBytes)
                    return true;
            }
            return false;
        }

        /// <summary>
        /// The page: the events settled at or above <paramref name="threshold"/> (every family is read down to it), newest
        /// first, up to the limit and byte bound. Every match at or above the threshold is on it unless it is full: then
        /// the next page starts below its last event.
        /// </summary>
        public MemStreamSearchPage Page(long threshold, MemStreamQuery query, bool exhausted, long scanned)
        {
            var settled = _events.Where(e => e.Event.Sequence >= threshold).OrderByDescending(e => e.Event.Sequence).ToList();
            var page = new List<MemStreamStoredEvent>(Math.Min(settled.Count, query.Limit));
            long bytes = 0;
            foreach (var (storedEvent, size) in settled)
            {
                if (page.Count >= query.Limit || (page.Count > 0 && bytes >= query.PageBytes))
                    break;
                page.Add(storedEvent);
                bytes += size;
            }
            long? next = page.Count < settled.Count ? page[^1].Sequence
                : exhausted || threshold <= 1 ? null
                : threshold;
            return new MemStreamSearchPage(page, next, scanned);
        }
    }

    /// <summary>One family's search index, read backwards from the page's start.</summary>
    sealed class Cursor : IDisposable
    {
        readonly OpenFamily _family;
        readonly RocksIterator _iterator;
        readonly byte[] _prefix;
        readonly int _suffixBytes;

        Cursor(OpenFamily family, RocksIterator iterator, byte[] prefix, long before, int suffixBytes)
        {
            _family = family;
            _iterator = iterator;
            _prefix = prefix;
            _suffixBytes = suffixBytes;
            Unread = before;
            Settle();
        }

        /// <summary>
        /// Every event of the family not yet read is below this sequence number: the page's start, then the last event
        /// of the batch the cursor is at, plus one (what its directory says; a directory that does not read says nothing).
        /// </summary>
        public long Unread { get; private set; }

        public bool Valid { get; private set; }

        /// <summary>The sequence number of the batch's first event in the family (its key).</summary>
        long Sequence { get; set; }

        public static Cursor? Open(RocksDatabase database, OpenFamily family, RocksReadOptions readOptions, byte[] prefix, long before, int suffixBytes)
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
            return new Cursor(family, iterator, prefix, before, suffixBytes);
        }

        /// <summary>
        /// Reads the batch the cursor is at into <paramref name="found"/> and moves to the one before; returns how many
        /// stored events it examined, or -1 when <paramref name="deadline"/> passed in the batch (its events are then
        /// forgotten and the cursor stays, so the batch counts as unread). A batch written before the query's <c>from</c>
        /// ends the family (everything before it was written earlier still); one whose earliest event is after its
        /// <c>to</c> is passed unread.
        /// </summary>
        public long ReadBatch(RocksDatabase database, Run read, long before, Found found, long deadline)
        {
            long examined = 0;
            var value = WithoutSuffix(_iterator.GetValueSpan(), _suffixBytes);
            if (BatchDirectory.TryRead(value, out var latestExpiry, out var writtenAt, out var earliest, out _, out var items))
            {
                if (writtenAt < read.Criteria.From)
                {
                    Valid = false;
                    Unread = 0;
                    return 0;
                }
                var foundBefore = found.Count;
                if (latestExpiry > read.Now && earliest <= read.Criteria.To)
                {
                    while (GroupReferences.TryReadItem(ref items, out var level, out var groupSequence, out var indexKey))
                    {
                        if (level < read.Query.MinLevel)
                            continue;
                        var group = indexKey.IsEmpty
                            ? StoreQueries.ReadGroup(database, _family, groupSequence, _suffixBytes)
                            : StoreQueries.ReadIndexed(database, _family, indexKey, _suffixBytes);
                        if (group is null)
                            continue;
                        var inGroup = ReadGroup(group, groupSequence, read, before, found, deadline);
                        if (inGroup < 0)
                        {
                            found.TrimTo(foundBefore);
                            return -1;
                        }
                        examined += inGroup;
                    }
                }
            }
            Unread = Sequence;
            _iterator.Prev();
            Settle();
            return examined;
        }

        long ReadGroup(byte[] group, long groupSequence, Run read, long before, Found found, long deadline)
        {
            long examined = 0;
            var epoch = _family.Family.Epoch;
            if (!StoredEvents.TryOpen(group, groupSequence, out var events, out var highest, out _) || highest < read.Query.MinLevel)
                return 0;
            while (events.TryNext(out var inKey, out var eventValue))
            {
                // A filter can be slow on an event (a regular expression runs up to its own timeout): time is checked on each.
                if (Stopwatch.GetTimestamp() >= deadline)
                    return -1;
                examined++;
                var sequence = KeyEpoch.FromKey(epoch, inKey);
                if (sequence < before
                    && StoredEventCodec.TryReadHeader(eventValue, out var level, out var expiresAt) && level >= read.Query.MinLevel && expiresAt > read.Now
                    && StoredEventCodec.TryReadTimestamp(eventValue, out var timestamp) && read.Criteria.InTime(timestamp)
                    && StoredEventCodec.TryDecode(eventValue, out var logEvent) && read.Criteria.Matches(logEvent!))
                    found.Add(new MemStreamStoredEvent(sequence, logEvent!), eventValue.Length);
            }
            return examined;
        }

        /// <summary>
        /// Moves back past keys that are not this index's (none should be), to a valid entry, and lowers <see cref="Unread"/>
        /// to what its directory says; or to the start, where nothing is unread.
        /// </summary>
        void Settle()
        {
            for (; _iterator.Valid(); _iterator.Prev())
            {
                if (!StoreKey.TryMatch(_iterator.GetKeySpan(), _prefix, out var keySequence))
                    continue;
                Valid = true;
                Sequence = KeyEpoch.FromKey(_family.Family.Epoch, keySequence);
                if (BatchDirectory.TryRead(WithoutSuffix(_iterator.GetValueSpan(), _suffixBytes), out _, out _, out _, out var last, out _) && last >= keySequence)
                    Unread = Math.Min(Unread, KeyEpoch.FromKey(_family.Family.Epoch, last) + 1);
                return;
            }
            Valid = false;
            Unread = 0;
        }

        public void Dispose() => _iterator.Dispose();
    }

    static ReadOnlySpan<byte> WithoutSuffix(ReadOnlySpan<byte> raw, int suffixBytes) => raw.Length >= suffixBytes ? raw[..^suffixBytes] : [];
}
