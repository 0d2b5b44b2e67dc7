namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A chunk's writes grouped by family and by their key's id form (the key without its sequence number), or their
/// trace-index key's: each group's writes linked in chunk order, which is sequence order. Compares key bytes in
/// place, so grouping parses and allocates nothing; reuses its memory from chunk to chunk.
/// </summary>
internal sealed class ChunkGroups
{
    readonly Dictionary<(IdForm Form, StoreFamily Family), int> _groupOf = [];
    readonly List<(int First, int Last)> _groups = [];
    int[] _next = new int[1024];
    int[] _groupIndex = new int[1024];

    /// <summary>The groups, each as its first and last write's index in the chunk.</summary>
    public IReadOnlyList<(int First, int Last)> Groups => _groups;

    /// <summary>Groups the writes by their key (<paramref name="byIndexKey"/> false) or by their trace-index key, leaving out writes that have none.</summary>
    public void Build(PendingWrite[] chunk, bool byIndexKey)
    {
        _groupOf.Clear();
        _groups.Clear();
        if (_next.Length < chunk.Length)
        {
            _next = new int[chunk.Length];
            _groupIndex = new int[chunk.Length];
        }
        for (var i = 0; i < chunk.Length; i++)
        {
            _next[i] = -1;
            _groupIndex[i] = -1;
            var length = byIndexKey ? chunk[i].IndexKeyLength : chunk[i].KeyLength;
            if (length == 0)
                continue;
            var offset = chunk[i].Offset + (byIndexKey ? chunk[i].KeyLength + chunk[i].ValueLength : 0);
            var group = (new IdForm(chunk[i].Slab, offset, length), chunk[i].Family);
            if (_groupOf.TryGetValue(group, out var index))
            {
                _next[_groups[index].Last] = i;
                _groups[index] = (_groups[index].First, i);
            }
            else
            {
                index = _groups.Count;
                _groupOf[group] = index;
                _groups.Add((i, i));
            }
            _groupIndex[i] = index;
        }
    }

    /// <summary>The index of the write after <paramref name="write"/> in its group, or -1.</summary>
    public int Next(int write) => _next[write];

    /// <summary>The group <paramref name="write"/> is in.</summary>
    public int GroupOf(int write) => _groupIndex[write];

    /// <summary>A key's id form: its bytes without the sequence number, compared by value.</summary>
    readonly struct IdForm(byte[] slab, int offset, int keyLength) : IEquatable<IdForm>
    {
        ReadOnlySpan<byte> Bytes => StoreKey.WithoutSequence(slab.AsSpan(offset, keyLength));

        public bool Equals(IdForm other) => Bytes.SequenceEqual(other.Bytes);

        public override bool Equals(object? obj) => obj is IdForm other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.AddBytes(Bytes);
            return hash.ToHashCode();
        }
    }
}
