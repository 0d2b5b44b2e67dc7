using RocksDbSharp;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Adds a chunk's trace references to its write batch: one entry per trace (and family: retention and epoch) holding a
/// reference to each of that trace's events in the chunk, keyed by the trace and the last of their
/// sequence numbers. Every event of a later chunk has a higher sequence number, so a trace's entries,
/// read in key order, give its events in write order, and a scan can start at the first key above the
/// sequence number it resumes after. Used by the store's writer thread only; reuses its memory.
/// </summary>
internal sealed class TraceReferenceWriter
{
    readonly Dictionary<(TraceForm Trace, StoreFamily Family), int> _groupOf = [];
    readonly List<(int First, int Last)> _groups = [];
    int[] _next = new int[1024];
    byte[] _value = new byte[4096];

    public void AddTo(WriteBatch batch, PendingWrite[] chunk, IReadOnlyDictionary<StoreFamily, ColumnFamilyHandle> families)
    {
        _groupOf.Clear();
        _groups.Clear();
        if (_next.Length < chunk.Length)
            _next = new int[chunk.Length];
        for (var i = 0; i < chunk.Length; i++)
        {
            if (chunk[i].IndexKeyLength == 0)
                continue;
            _next[i] = -1;
            var group = (new TraceForm(chunk[i]), chunk[i].Family);
            if (_groupOf.TryGetValue(group, out var index))
            {
                _next[_groups[index].Last] = i;
                _groups[index] = (_groups[index].First, i);
            }
            else
            {
                _groupOf[group] = _groups.Count;
                _groups.Add((i, i));
            }
        }

        foreach (var (first, last) in _groups)
        {
            var length = Encode(chunk, first);
            batch.Put(chunk[last].IndexKey, _value.AsSpan(0, length), families[chunk[first].Family]);
        }
    }

    /// <summary>A write's trace, compared by its index key's bytes without the sequence number: nothing to parse or allocate.</summary>
    readonly struct TraceForm(PendingWrite write) : IEquatable<TraceForm>
    {
        readonly PendingWrite _write = write;

        ReadOnlySpan<byte> Bytes => StoreKey.WithoutSequence(_write.IndexKey);

        public bool Equals(TraceForm other) => Bytes.SequenceEqual(other.Bytes);

        public override bool Equals(object? obj) => obj is TraceForm other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.AddBytes(Bytes);
            return hash.ToHashCode();
        }
    }

    /// <summary>Encodes the group that starts at <paramref name="first"/> into <see cref="_value"/>; returns its length.</summary>
    int Encode(PendingWrite[] chunk, int first)
    {
        var length = StoredEventCodec.HeaderLength;
        long latestExpiry = 0;
        for (var i = first; i >= 0; i = _next[i])
        {
            length += StoredReference.ItemLength(chunk[i].KeyLength);
            latestExpiry = Math.Max(latestExpiry, StoredEventCodec.ExpiryOf(chunk[i].Value));
        }
        if (_value.Length < length)
            _value = new byte[Math.Max(length, _value.Length * 2)];

        var at = StoredReference.WriteHeader(_value, latestExpiry);
        for (var i = first; i >= 0; i = _next[i])
            at += StoredReference.WriteItem(_value.AsSpan(at), chunk[i].Value, chunk[i].Key);
        return at;
    }
}
