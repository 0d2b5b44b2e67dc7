namespace Serilog.Sinks.MemStream.Store;

/// <summary>Puts and deletes that <see cref="RocksDatabase.Write"/> applies at once.</summary>
internal sealed class RocksWriteBatch : IDisposable
{
    IntPtr _handle = RocksNative.rocksdb_writebatch_create();

    internal IntPtr Handle => _handle;

    public int Count => RocksNative.rocksdb_writebatch_count(_handle);

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, RocksFamily family) =>
        RocksNative.rocksdb_writebatch_put_cf(_handle, family.Handle, key, (nuint)key.Length, value, (nuint)value.Length);

    public void Delete(ReadOnlySpan<byte> key, RocksFamily family) =>
        RocksNative.rocksdb_writebatch_delete_cf(_handle, family.Handle, key, (nuint)key.Length);

    public void Dispose()
    {
        if (_handle == IntPtr.Zero)
            return;
        RocksNative.rocksdb_writebatch_destroy(_handle);
        _handle = IntPtr.Zero;
    }
}
