namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A cursor over one family. <see cref="GetKeySpan"/> and <see cref="GetValueSpan"/> point into RocksDB's memory and are
/// valid only until the iterator moves; <see cref="Key"/> and <see cref="Value"/> copy.
/// </summary>
internal sealed unsafe class RocksIterator : IDisposable
{
    IntPtr _handle;

    internal RocksIterator(IntPtr handle) => _handle = handle;

    public bool Valid() => RocksNative.rocksdb_iter_valid(_handle) != 0;

    public void SeekToFirst() => RocksNative.rocksdb_iter_seek_to_first(_handle);

    public void Seek(ReadOnlySpan<byte> key) => RocksNative.rocksdb_iter_seek(_handle, key, (nuint)key.Length);

    public void SeekForPrev(ReadOnlySpan<byte> key) => RocksNative.rocksdb_iter_seek_for_prev(_handle, key, (nuint)key.Length);

    public void Next() => RocksNative.rocksdb_iter_next(_handle);

    public void SeekToLast() => RocksNative.rocksdb_iter_seek_to_last(_handle);

    public void Prev() => RocksNative.rocksdb_iter_prev(_handle);

    public ReadOnlySpan<byte> GetKeySpan()
    {
        var key = RocksNative.rocksdb_iter_key(_handle, out var length);
        return new ReadOnlySpan<byte>((void*)key, checked((int)length));
    }

    public ReadOnlySpan<byte> GetValueSpan()
    {
        var value = RocksNative.rocksdb_iter_value(_handle, out var length);
        return new ReadOnlySpan<byte>((void*)value, checked((int)length));
    }

    public byte[] Key() => GetKeySpan().ToArray();

    public byte[] Value() => GetValueSpan().ToArray();

    /// <summary>Throws what stopped the iterator early (a damaged block, an I/O error); an iterator that merely reached the end has none.</summary>
    public void ThrowIfFailed()
    {
        RocksNative.rocksdb_iter_get_error(_handle, out var error);
        RocksException.ThrowIf(error);
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero)
            return;
        RocksNative.rocksdb_iter_destroy(_handle);
        _handle = IntPtr.Zero;
    }
}
