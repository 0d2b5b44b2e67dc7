namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One encoded event waiting for the store's writer: its sequence number in its key's epoch, where its key, value
/// and trace-index key (empty when it has none) lie in a slab, and the family it goes to.
/// </summary>
internal readonly record struct PendingWrite(long Sequence, byte[] Slab, int Offset, int KeyLength, int ValueLength, int IndexKeyLength, StoreFamily Family)
{
    public ReadOnlySpan<byte> Key => Slab.AsSpan(Offset, KeyLength);

    public ReadOnlySpan<byte> Value => Slab.AsSpan(Offset + KeyLength, ValueLength);

    public ReadOnlySpan<byte> IndexKey => Slab.AsSpan(Offset + KeyLength + ValueLength, IndexKeyLength);
}
