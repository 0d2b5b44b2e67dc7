using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Turns a chunk of queued events into the entries of one write batch (format 2). Each id's events (and family's:
/// retention and epoch) become one <see cref="StoredGroup"/> in the log family under its first event's sequence
/// number, and a correlation id gets a <see cref="GroupPointer"/> to it under its key in the index family (a group of
/// at most <see cref="InlineMaxBytes"/> stays in the index under that key instead); each trace gets one
/// <see cref="GroupReferences"/> entry naming every group that holds its events (events with a trace id and no
/// correlation id are grouped by their trace, and found only through it). A busy app's request then costs the
/// store three small entries per batch, however many events it logs, and the big ones are appended in key order.
/// Every batch also gets its search index (<see cref="BatchDirectoryWriter"/>), so events are found across ids.
/// Used by the store's writer thread only; reuses its memory.
/// </summary>
internal sealed class GroupedBatchWriter
{
    readonly ChunkGroups _events = new();
    readonly ChunkGroups _traces = new();
    readonly List<(int Group, LogEventLevel Level)> _referenced = [];
    // A group this small stays in the index under its id's key: read with the id's scan instead of a lookup in the
    // log (an id whose events come one per batch would otherwise cost a random read each), while the log takes
    // the bytes that make compaction expensive.
    const int InlineMaxBytes = 512;
    readonly List<bool> _inline = [];
    readonly BatchDirectoryWriter _directory = new();
    readonly byte[] _logKey = new byte[16];
    readonly byte[] _pointer = new byte[GroupPointer.Length];
    byte[] _value = new byte[64 * 1024];

    /// <summary>Adds the chunk's entries to the batch; returns how many.</summary>
    public int AddTo(RocksWriteBatch batch, PendingWrite[] chunk, IReadOnlyDictionary<StoreFamily, FamilyHandles> families)
    {
        var entries = 0;
        _events.Build(chunk, byIndexKey: false);
        _inline.Clear();
        _directory.Clear();
        foreach (var (first, _) in _events.Groups)
        {
            var handles = families[chunk[first].Family];
            var (group, highest, latestExpiry) = EncodeGroup(chunk, first);
            // A trace's own events are found only through its references, which name a group in the log.
            var correlated = StoreKey.IsCorrelationIdForm(StoreKey.WithoutSequence(chunk[first].Key));
            _inline.Add(correlated && group.Length <= InlineMaxBytes);
            _directory.Add(chunk, first, _events, _inline[^1], highest, latestExpiry);
            if (_inline[^1])
            {
                batch.Put(chunk[first].Key, group.Span, handles.Index);
                entries++;
                continue;
            }
            batch.Put(_logKey.AsSpan(0, StoreKey.WriteLogKey(_logKey, chunk[first].Sequence)), group.Span, handles.Log);
            entries++;
            if (!correlated)
                continue;
            batch.Put(chunk[first].Key, _pointer.AsSpan(0, GroupPointer.Write(_pointer, highest, latestExpiry)), handles.Index);
            entries++;
        }

        _traces.Build(chunk, byIndexKey: true);
        foreach (var (first, _) in _traces.Groups)
        {
            batch.Put(chunk[first].IndexKey, EncodeReferences(chunk, first), families[chunk[first].Family].Index);
            entries++;
        }
        return entries + _directory.AddTo(batch, chunk, families);
    }

    (ReadOnlyMemory<byte> Value, LogEventLevel Highest, long LatestExpiry) EncodeGroup(PendingWrite[] chunk, int first)
    {
        var length = StoredEventCodec.HeaderLength;
        var highest = LogEventLevel.Verbose;
        long latestExpiry = 0;
        for (var i = first; i >= 0; i = _events.Next(i))
        {
            length += StoredGroup.MaxItemLength(chunk[i].ValueLength);
            highest = (LogEventLevel)Math.Max((int)highest, (int)LevelOf(chunk[i]));
            latestExpiry = Math.Max(latestExpiry, StoredEventCodec.ExpiryOf(chunk[i].Value));
        }
        var value = Scratch(length);
        var at = StoredGroup.WriteHeader(value, highest, latestExpiry);
        for (var i = first; i >= 0; i = _events.Next(i))
            at += StoredGroup.WriteItem(value.AsSpan(at), chunk[i].Sequence - chunk[first].Sequence, chunk[i].Value);
        return (value.AsMemory(0, at), highest, latestExpiry);
    }

    /// <summary>A trace's entry: each group holding its events once, with the highest level among them there.</summary>
    ReadOnlySpan<byte> EncodeReferences(PendingWrite[] chunk, int first)
    {
        _referenced.Clear();
        long latestExpiry = 0;
        for (var i = first; i >= 0; i = _traces.Next(i))
        {
            latestExpiry = Math.Max(latestExpiry, StoredEventCodec.ExpiryOf(chunk[i].Value));
            var group = _events.GroupOf(i);
            var known = IndexOf(group);
            if (known < 0)
                _referenced.Add((group, LevelOf(chunk[i])));
            else if (LevelOf(chunk[i]) > _referenced[known].Level)
                _referenced[known] = (group, LevelOf(chunk[i]));
        }

        var length = StoredEventCodec.HeaderLength;
        foreach (var (group, _) in _referenced)
            length += GroupReferences.MaxItemLength(chunk[_events.Groups[group].First].KeyLength);
        var value = Scratch(length);
        var at = GroupReferences.WriteHeader(value, latestExpiry);
        foreach (var (group, level) in _referenced)
        {
            var groupFirst = chunk[_events.Groups[group].First];
            at += GroupReferences.WriteItem(value.AsSpan(at), level, groupFirst.Sequence, _inline[group] ? groupFirst.Key : []);
        }
        return value.AsSpan(0, at);
    }

    int IndexOf(int group)
    {
        for (var i = 0; i < _referenced.Count; i++)
        {
            if (_referenced[i].Group == group)
                return i;
        }
        return -1;
    }

    static LogEventLevel LevelOf(PendingWrite write) => (LogEventLevel)write.Value[1];

    byte[] Scratch(int length)
    {
        if (_value.Length < length)
            _value = new byte[Math.Max(length, _value.Length * 2)];
        return _value;
    }
}
