namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A consistent view of the database at one moment: iterators that read through it see the same batches, whatever is
/// written meanwhile. Released when disposed, which must come after every iterator made with it (and before the database closes).
/// </summary>
internal sealed class RocksSnapshot : IDisposable
{
    readonly IntPtr _database;

    internal RocksSnapshot(IntPtr database)
    {
        _database = database;
        Handle = RocksNative.rocksdb_create_snapshot(database);
    }

    internal IntPtr Handle { get; private set; }

    public void Dispose()
    {
        if (Handle == IntPtr.Zero)
            return;
        RocksNative.rocksdb_release_snapshot(_database, Handle);
        Handle = IntPtr.Zero;
    }
}
