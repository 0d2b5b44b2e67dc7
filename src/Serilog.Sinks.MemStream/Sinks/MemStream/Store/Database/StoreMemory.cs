
namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One memory budget for a whole database, as RocksDB documents it: every family's memtables are charged,
/// through one write buffer manager, to the one block cache that also holds the data blocks, so memtables and
/// cached blocks together stay within <see cref="BudgetBytes"/>. Index and filter blocks stay with their table
/// files, outside it: measured in the store bench, putting them in a 16 MiB cache let data blocks evict them and
/// made a query three times slower. Without a budget each family took an 8 MiB write buffer (two while one
/// flushes) and RocksDB's own block cache came on top. At most two background jobs (a flush and a compaction).
/// Lives as long as its database (and the fresh ones that replace a damaged one).
/// </summary>
internal sealed class StoreMemory : IDisposable
{
    /// <summary>The smallest budget that leaves each family a useful write buffer.</summary>
    public const long MinBudgetBytes = 4 * 1024 * 1024;

    /// <summary>The default: 16 MiB.</summary>
    public const long DefaultBudgetBytes = 16 * 1024 * 1024;

    /// <summary>The largest budget taken: beyond it RocksDB's own limits and the machine's memory decide anyway.</summary>
    public const long MaxBudgetBytes = 64L * 1024 * 1024 * 1024;

    // A memtable larger than this gains nothing for log-sized writes, and after a disk-full error RocksDB
    // resumes only once the free space is at least the largest write buffer.
    const long MaxWriteBufferBytes = 8 * 1024 * 1024;

    readonly IntPtr _cache;
    readonly IntPtr _writeBufferManager;

    public StoreMemory(long budgetBytes)
    {
        BudgetBytes = budgetBytes;
        _cache = RocksNative.rocksdb_cache_create_lru((nuint)budgetBytes);
        // Half the budget for memtables, charged to the cache; no stall: the writer is off the app's threads anyway.
        _writeBufferManager = RocksNative.rocksdb_write_buffer_manager_create_with_cache((nuint)(budgetBytes / 2), _cache, 0);
        WriteBufferBytes = (ulong)Math.Min(MaxWriteBufferBytes, budgetBytes / 4);
    }

    public long BudgetBytes { get; }

    /// <summary>One family's memtable size: a quarter of the budget, at most 8 MiB.</summary>
    public ulong WriteBufferBytes { get; }

    /// <summary>The database's options: the shared write buffer manager, one flush and one compaction at a time.</summary>
    public RocksOptions ApplyToDatabase(RocksOptions options) =>
        options.WriteBufferManager(_writeBufferManager).BackgroundJobs(2).WriteBufferBytes(WriteBufferBytes);

    /// <summary>A family's options: its write buffer and tables whose data blocks live in the shared cache.</summary>
    public RocksOptions ApplyToFamily(RocksOptions options) => options.WriteBufferBytes(WriteBufferBytes).DataBlocksIn(_cache);

    /// <summary>
    /// An index family's options: as <see cref="ApplyToFamily"/>, and levels sized from its write buffer (the level L0
    /// compacts into holds four write buffers, in files of two), so that a compaction of L0 no longer rewrites the whole
    /// index; what compaction costs still grows with the index, by a level per tenfold, not with every flush.
    /// </summary>
    public RocksOptions ApplyToIndexFamily(RocksOptions options) => ApplyToFamily(options).LevelsFrom(4 * WriteBufferBytes, 2 * WriteBufferBytes);

    /// <summary>Lets go of the cache and the manager; an open database holds its own references to both until it closes.</summary>
    public void Dispose()
    {
        RocksNative.rocksdb_write_buffer_manager_destroy(_writeBufferManager);
        RocksNative.rocksdb_cache_destroy(_cache);
    }
}
