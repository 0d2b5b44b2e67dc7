using System.Runtime.InteropServices;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// How an iterator reads: the key bounds it stays within, and the snapshot it reads (none: the database as the iterator
/// is made). RocksDB's C API keeps a pointer to a bound, not a copy, so the bounds are copied to native memory that
/// lives until this is disposed (after every iterator made with it).
/// </summary>
internal sealed unsafe class RocksReadOptions : IDisposable
{
    byte* _lower;
    byte* _upper;

    public RocksReadOptions(ReadOnlySpan<byte> lowerBound = default, ReadOnlySpan<byte> upperBound = default, RocksSnapshot? snapshot = null)
    {
        Handle = RocksNative.rocksdb_readoptions_create();
        if (snapshot is not null)
            RocksNative.rocksdb_readoptions_set_snapshot(Handle, snapshot.Handle);
        if (!lowerBound.IsEmpty)
        {
            _lower = Copy(lowerBound);
            RocksNative.rocksdb_readoptions_set_iterate_lower_bound(Handle, _lower, (nuint)lowerBound.Length);
        }
        if (!upperBound.IsEmpty)
        {
            _upper = Copy(upperBound);
            RocksNative.rocksdb_readoptions_set_iterate_upper_bound(Handle, _upper, (nuint)upperBound.Length);
        }
    }

    internal IntPtr Handle { get; private set; }

    public void Dispose()
    {
        if (Handle == IntPtr.Zero)
            return;
        RocksNative.rocksdb_readoptions_destroy(Handle);
        Handle = IntPtr.Zero;
        NativeMemory.Free(_lower);
        NativeMemory.Free(_upper);
        _lower = _upper = null;
    }

    static byte* Copy(ReadOnlySpan<byte> bound)
    {
        var copy = (byte*)NativeMemory.Alloc((nuint)bound.Length);
        bound.CopyTo(new Span<byte>(copy, bound.Length));
        return copy;
    }
}
