using RocksDbSharp;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Turns a chunk of queued events into the entries of one write batch (format 2): one <see cref="StoredGroup"/> per
/// id (and family: retention and epoch), under the key of its first event, and one <see cref="StoredReference"/> entry per
/// trace (and family) naming the groups that hold its events, under the trace key of the first of them. Events
/// with no correlation id are keyed by their trace, so they group under the trace itself and need no reference.
/// A busy app's request then costs the store two entries per batch, however many events it logs. Used by the
/// store's writer thread only; reuses its memory.
/// </summary>
internal sealed class GroupedBatchWriter
{
    readonly ChunkGroups _events = new();
    readonly ChunkGroups _traces = new();
    readonly List<(int Group, LogEventLevel Level)> _referenced = [];
    byte[] _value = new byte[64 * 1024];

    /// <summary>Adds the chunk's entries to the batch; returns how many.</summary>
    public int AddTo(WriteBatch batch, PendingWrite[] chunk, IReadOnlyDictionary<StoreFamily, ColumnFamilyHandle> families)
    {
        _events.Build(chunk, byIndexKey: false);
        foreach (var (first, _) in _events.Groups)
            batch.Put(chunk[first].Key, EncodeGroup(chunk, first), families[chunk[first].Family]);

        _traces.Build(chunk, byIndexKey: true);
        foreach (var (first, _) in _traces.Groups)
            batch.Put(chunk[first].IndexKey, EncodeReferences(chunk, first), families[chunk[first].Family]);
        return _events.Groups.Count + _traces.Groups.Count;
    }

    ReadOnlySpan<byte> EncodeGroup(PendingWrite[] chunk, int first)
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
        return value.AsSpan(0, at);
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
            length += StoredReference.ItemLength(chunk[_events.Groups[group].First].KeyLength);
        var value = Scratch(length);
        var at = StoredReference.WriteHeader(value, latestExpiry);
        foreach (var (group, level) in _referenced)
            at += StoredReference.WriteItem(value.AsSpan(at), level, chunk[_events.Groups[group].First].Key);
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
