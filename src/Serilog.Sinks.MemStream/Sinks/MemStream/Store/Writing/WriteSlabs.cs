using System.Collections.Concurrent;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The memory that queued writes live in: 64 KiB slabs that the producer fills one after another and
/// the writer hands back once it has written past them. A backlog of encoded events is then a few
/// hundred arrays instead of two per event, and a steady stream allocates nothing. An event too large
/// for a slab gets an array of its own.
/// </summary>
internal sealed class WriteSlabs
{
    // Below the large-object heap's threshold, so slabs that are not kept die young.
    const int SlabBytes = 64 * 1024;
    const int KeptSlabs = 32;
    readonly ConcurrentQueue<byte[]> _free = new();
    byte[] _current = new byte[SlabBytes];
    int _used;
    byte[]? _lastWritten;

    /// <summary>Copies a key, value and index key in, one after the other; the producer's side.</summary>
    public (byte[] Slab, int Offset) Copy(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> indexKey)
    {
        var length = key.Length + value.Length + indexKey.Length;
        if (length > SlabBytes)
            return (Place(new byte[length], 0, key, value, indexKey), 0);

        if (_used + length > SlabBytes)
        {
            _current = _free.TryDequeue(out var reused) ? reused : new byte[SlabBytes];
            _used = 0;
        }
        var offset = _used;
        Place(_current, offset, key, value, indexKey);
        _used += length;
        return (_current, offset);
    }

    /// <summary>
    /// Notes that these writes are in the store; the writer's side, in queue order. A slab is handed back
    /// once a write from a later slab is done: the producer fills slabs in order and never returns to one.
    /// </summary>
    public void Written(ReadOnlySpan<PendingWrite> writes)
    {
        foreach (var write in writes)
        {
            // An event's own array says nothing about the slab being filled around it.
            if (write.Slab.Length != SlabBytes || ReferenceEquals(write.Slab, _lastWritten))
                continue;
            if (_lastWritten is not null && _free.Count < KeptSlabs)
                _free.Enqueue(_lastWritten);
            _lastWritten = write.Slab;
        }
    }

    static byte[] Place(byte[] slab, int offset, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> indexKey)
    {
        key.CopyTo(slab.AsSpan(offset));
        value.CopyTo(slab.AsSpan(offset + key.Length));
        indexKey.CopyTo(slab.AsSpan(offset + key.Length + value.Length));
        return slab;
    }
}
