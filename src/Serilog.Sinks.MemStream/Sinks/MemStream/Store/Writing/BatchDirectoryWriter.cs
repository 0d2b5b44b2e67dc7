using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Writes a batch's search index (<see cref="BatchDirectory"/>): per family, one entry naming every group the batch
/// stored there and, when any holds a Warning or worse, one naming just those. Fed by <see cref="GroupedBatchWriter"/>
/// with each group as it is written; used by the store's writer thread only, reusing its memory.
/// </summary>
internal sealed class BatchDirectoryWriter
{
    /// <summary>The level from which groups are named in the problems entries too.</summary>
    public const LogEventLevel ProblemLevel = LogEventLevel.Warning;

    /// <summary>
    /// For the bench only (its <c>search</c> comparison): false leaves the search index out of every batch written
    /// afterwards, so the index's cost on ingest can be measured through a real sink. Never false otherwise: a store
    /// written without it is found by id only.
    /// </summary>
    internal static bool WriteSearchIndex = true;

    readonly List<Written> _groups = [];
    readonly List<StoreFamily> _families = [];
    readonly byte[] _key = new byte[32];
    byte[] _value = new byte[16 * 1024];

    /// <summary>A group the batch holds: where it is (its first write in the chunk, whether it stayed in the index) and what it holds.</summary>
    readonly record struct Written(int First, bool Inline, LogEventLevel Highest, long LatestExpiry, long EarliestTimestamp, long LastSequence);

    public void Clear() => _groups.Clear();

    /// <summary>Notes a group of the chunk, whose writes begin at <paramref name="first"/>.</summary>
    public void Add(PendingWrite[] chunk, int first, ChunkGroups events, bool inline, LogEventLevel highest, long latestExpiry)
    {
        if (!WriteSearchIndex)
            return; // with no group noted, AddTo writes no entry
        var earliest = long.MaxValue;
        var last = chunk[first].Sequence;
        for (var i = first; i >= 0; i = events.Next(i))
        {
            if (StoredEventCodec.TryReadTimestamp(chunk[i].Value, out var timestamp))
                earliest = Math.Min(earliest, timestamp);
            last = chunk[i].Sequence;
        }
        _groups.Add(new Written(first, inline, highest, latestExpiry, earliest, last));
    }

    /// <summary>Adds the directory entries of every family the noted groups went to; returns how many.</summary>
    public int AddTo(RocksWriteBatch batch, PendingWrite[] chunk, IReadOnlyDictionary<StoreFamily, FamilyHandles> families)
    {
        var entries = 0;
        var writtenAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _families.Clear();
        // Groups are noted in the order of their first write, which is sequence order: a family's first group holds its first event.
        foreach (var group in _groups)
        {
            var family = chunk[group.First].Family;
            if (_families.Contains(family))
                continue;
            _families.Add(family);
            var index = families[family].Index;
            var firstSequence = chunk[group.First].Sequence;
            entries += Put(batch, chunk, family, index, firstSequence, writtenAt, problems: false);
            entries += Put(batch, chunk, family, index, firstSequence, writtenAt, problems: true);
        }
        return entries;
    }

    /// <summary>
    /// Puts one entry, keyed by the family's first event of the batch (the problems entry too), so that a family's
    /// entries of each kind never overlap and read in write order; returns 0 when it would name no group.
    /// </summary>
    int Put(RocksWriteBatch batch, PendingWrite[] chunk, StoreFamily family, RocksFamily index, long firstSequence, long writtenAt, bool problems)
    {
        var length = BatchDirectory.HeaderLength;
        long latestExpiry = 0, earliest = long.MaxValue, last = 0;
        var named = 0;
        foreach (var group in _groups)
        {
            if (!Names(chunk, group, family, problems))
                continue;
            named++;
            length += GroupReferences.MaxItemLength(group.Inline ? chunk[group.First].KeyLength : 0);
            latestExpiry = Math.Max(latestExpiry, group.LatestExpiry);
            earliest = Math.Min(earliest, group.EarliestTimestamp);
            last = Math.Max(last, group.LastSequence);
        }
        if (named == 0)
            return 0;
        if (_value.Length < length)
            _value = new byte[Math.Max(length, _value.Length * 2)];
        var at = BatchDirectory.WriteHeader(_value, latestExpiry, writtenAt, earliest, last);
        foreach (var group in _groups)
        {
            if (Names(chunk, group, family, problems))
                at += GroupReferences.WriteItem(_value.AsSpan(at), group.Highest, chunk[group.First].Sequence, group.Inline ? chunk[group.First].Key : []);
        }
        var keyLength = StoreKey.WriteDirectoryKey(_key, problems, firstSequence);
        batch.Put(_key.AsSpan(0, keyLength), _value.AsSpan(0, at), index);
        return 1;
    }

    static bool Names(PendingWrite[] chunk, Written group, StoreFamily family, bool problems) =>
        chunk[group.First].Family == family && (!problems || group.Highest >= ProblemLevel);
}
