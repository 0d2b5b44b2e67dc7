namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Options for opening a database or one of its families (one C type for both). RocksDB copies them when it opens
/// or creates, so they can be disposed right after.
/// </summary>
internal sealed class RocksOptions : IDisposable
{
    const int Lz4Compression = 4;

    internal IntPtr Handle { get; private set; } = RocksNative.rocksdb_options_create();

    public RocksOptions CreateIfMissing()
    {
        RocksNative.rocksdb_options_set_create_if_missing(Handle, 1);
        RocksNative.rocksdb_options_set_create_missing_column_families(Handle, 1);
        return this;
    }

    public RocksOptions KeepLogFiles(int count)
    {
        RocksNative.rocksdb_options_set_keep_log_file_num(Handle, (nuint)count);
        return this;
    }

    public RocksOptions WriteBufferBytes(ulong bytes)
    {
        RocksNative.rocksdb_options_set_write_buffer_size(Handle, (nuint)bytes);
        return this;
    }

    public RocksOptions BackgroundJobs(int count)
    {
        RocksNative.rocksdb_options_set_max_background_jobs(Handle, count);
        return this;
    }

    public RocksOptions Lz4()
    {
        RocksNative.rocksdb_options_set_compression(Handle, Lz4Compression);
        return this;
    }


    /// <summary>
    /// Leveled compaction in which the level that L0 compacts into holds at most <paramref name="baseBytes"/>, in files of
    /// <paramref name="fileBytes"/>. RocksDB sizes levels from the bottom up, each ten times the one above, and by default
    /// lets that first level hold 256 MiB: until a family holds that much, L0 compacts into the whole of it, so a
    /// compaction rewrites more the larger the family has grown.
    /// </summary>
    public RocksOptions LevelsFrom(ulong baseBytes, ulong fileBytes)
    {
        RocksNative.rocksdb_options_set_max_bytes_for_level_base(Handle, baseBytes);
        RocksNative.rocksdb_options_set_target_file_size_base(Handle, fileBytes);
        return this;
    }

    public RocksOptions WriteBufferManager(IntPtr manager)
    {
        RocksNative.rocksdb_options_set_write_buffer_manager(Handle, manager);
        return this;
    }

    /// <summary>Block-based tables whose data blocks are cached in <paramref name="cache"/>; index and filter blocks stay with their files.</summary>
    public RocksOptions DataBlocksIn(IntPtr cache)
    {
        var tables = RocksNative.rocksdb_block_based_options_create();
        try
        {
            RocksNative.rocksdb_block_based_options_set_block_cache(tables, cache);
            RocksNative.rocksdb_block_based_options_set_cache_index_and_filter_blocks(tables, 0);
            RocksNative.rocksdb_options_set_block_based_table_factory(Handle, tables);
        }
        finally
        {
            RocksNative.rocksdb_block_based_options_destroy(tables);
        }
        return this;
    }

    public void Dispose()
    {
        if (Handle == IntPtr.Zero)
            return;
        RocksNative.rocksdb_options_destroy(Handle);
        Handle = IntPtr.Zero;
    }
}
