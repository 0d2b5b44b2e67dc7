using System.Reflection;
using System.Runtime.InteropServices;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The part of RocksDB's C API the store calls, bound at compile time. RocksDbSharp (whose package ships the native
/// library used here) binds all of its 2,600 functions through emitted delegates when first touched, which measured
/// +40 MiB of anonymous memory in every process that opened a store; these few cost nothing until called.
/// Every <c>out IntPtr error</c> is a malloc'd message or zero: <see cref="RocksException.ThrowIf"/> reads and frees it.
/// </summary>
internal static partial class RocksNative
{
    const string Library = "rocksdb";

    static RocksNative() => NativeLibrary.SetDllImportResolver(typeof(RocksNative).Assembly, Resolve);

    // The package ships librocksdb.so for glibc and librocksdb-musl.so beside it for Alpine: the default probe
    // finds the first (and rocksdb.dll, librocksdb.dylib elsewhere); only when it cannot load is the second tried.
    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library || NativeLibrary.TryLoad(name, assembly, searchPath, out var loaded))
            return IntPtr.Zero;
        return OperatingSystem.IsLinux() && NativeLibrary.TryLoad("librocksdb-musl.so", assembly, searchPath, out loaded) ? loaded : IntPtr.Zero;
    }

    [LibraryImport(Library)] internal static partial void rocksdb_free(IntPtr pointer);

    // Options (database and family options are the same C type).
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_options_create();
    [LibraryImport(Library)] internal static partial void rocksdb_options_destroy(IntPtr options);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_create_if_missing(IntPtr options, byte value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_create_missing_column_families(IntPtr options, byte value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_keep_log_file_num(IntPtr options, nuint value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_write_buffer_size(IntPtr options, nuint value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_max_background_jobs(IntPtr options, int value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_compression(IntPtr options, int value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_write_buffer_manager(IntPtr options, IntPtr manager);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_max_bytes_for_level_base(IntPtr options, ulong bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_target_file_size_base(IntPtr options, ulong bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_block_based_table_factory(IntPtr options, IntPtr tableOptions);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_block_based_options_create();
    [LibraryImport(Library)] internal static partial void rocksdb_block_based_options_destroy(IntPtr tableOptions);
    [LibraryImport(Library)] internal static partial void rocksdb_block_based_options_set_block_cache(IntPtr tableOptions, IntPtr cache);
    [LibraryImport(Library)] internal static partial void rocksdb_block_based_options_set_cache_index_and_filter_blocks(IntPtr tableOptions, byte value);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_cache_create_lru(nuint capacity);
    [LibraryImport(Library)] internal static partial void rocksdb_cache_destroy(IntPtr cache);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_write_buffer_manager_create_with_cache(nuint bufferSize, IntPtr cache, byte allowStall);
    [LibraryImport(Library)] internal static partial void rocksdb_write_buffer_manager_destroy(IntPtr manager);

    // Databases and their families.
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr rocksdb_open_column_families_with_ttl(IntPtr options, string path, int count, IntPtr[] names,
        ReadOnlySpan<IntPtr> familyOptions, Span<IntPtr> handles, ReadOnlySpan<int> ttls, out IntPtr error);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr rocksdb_open_for_read_only_column_families(IntPtr options, string path, int count, IntPtr[] names,
        ReadOnlySpan<IntPtr> familyOptions, Span<IntPtr> handles, byte errorIfWalFileExists, out IntPtr error);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr rocksdb_list_column_families(IntPtr options, string path, out nuint count, out IntPtr error);
    [LibraryImport(Library)] internal static partial void rocksdb_list_column_families_destroy(IntPtr names, nuint count);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr rocksdb_create_column_family_with_ttl(IntPtr database, IntPtr options, string name, int ttlSeconds, out IntPtr error);
    [LibraryImport(Library)] internal static partial void rocksdb_drop_column_family(IntPtr database, IntPtr family, out IntPtr error);
    [LibraryImport(Library)] internal static partial void rocksdb_column_family_handle_destroy(IntPtr family);
    [LibraryImport(Library)] internal static partial void rocksdb_close(IntPtr database);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr rocksdb_property_value(IntPtr database, string name);
    [LibraryImport(Library)]
    internal static unsafe partial void rocksdb_compact_range_cf(IntPtr database, IntPtr family, byte* start, nuint startLength, byte* limit, nuint limitLength);

    // Reads and writes.
    [LibraryImport(Library)]
    internal static partial IntPtr rocksdb_get_cf(IntPtr database, IntPtr readOptions, IntPtr family, ReadOnlySpan<byte> key, nuint keyLength, out nuint valueLength, out IntPtr error);
    [LibraryImport(Library)]
    internal static partial void rocksdb_put_cf(IntPtr database, IntPtr writeOptions, IntPtr family, ReadOnlySpan<byte> key, nuint keyLength, ReadOnlySpan<byte> value, nuint valueLength, out IntPtr error);
    [LibraryImport(Library)]
    internal static partial void rocksdb_delete_cf(IntPtr database, IntPtr writeOptions, IntPtr family, ReadOnlySpan<byte> key, nuint keyLength, out IntPtr error);
    [LibraryImport(Library)] internal static partial void rocksdb_write(IntPtr database, IntPtr writeOptions, IntPtr batch, out IntPtr error);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_writeoptions_create();
    [LibraryImport(Library)] internal static partial void rocksdb_writeoptions_set_sync(IntPtr writeOptions, byte value);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_readoptions_create();
    [LibraryImport(Library)] internal static partial void rocksdb_readoptions_destroy(IntPtr readOptions);
    [LibraryImport(Library)] internal static partial void rocksdb_readoptions_set_snapshot(IntPtr readOptions, IntPtr snapshot);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_create_snapshot(IntPtr database);
    [LibraryImport(Library)] internal static partial void rocksdb_release_snapshot(IntPtr database, IntPtr snapshot);
    // These keep the pointer, not a copy of the key: see RocksReadOptions.
    [LibraryImport(Library)] internal static unsafe partial void rocksdb_readoptions_set_iterate_lower_bound(IntPtr readOptions, byte* key, nuint keyLength);
    [LibraryImport(Library)] internal static unsafe partial void rocksdb_readoptions_set_iterate_upper_bound(IntPtr readOptions, byte* key, nuint keyLength);

    [LibraryImport(Library)] internal static partial IntPtr rocksdb_writebatch_create();
    [LibraryImport(Library)] internal static partial void rocksdb_writebatch_destroy(IntPtr batch);
    [LibraryImport(Library)] internal static partial int rocksdb_writebatch_count(IntPtr batch);
    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_put_cf(IntPtr batch, IntPtr family, ReadOnlySpan<byte> key, nuint keyLength, ReadOnlySpan<byte> value, nuint valueLength);
    [LibraryImport(Library)] internal static partial void rocksdb_writebatch_delete_cf(IntPtr batch, IntPtr family, ReadOnlySpan<byte> key, nuint keyLength);

    // Iterators.
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_create_iterator_cf(IntPtr database, IntPtr readOptions, IntPtr family);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_destroy(IntPtr iterator);
    [LibraryImport(Library)] internal static partial byte rocksdb_iter_valid(IntPtr iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek_to_first(IntPtr iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek(IntPtr iterator, ReadOnlySpan<byte> key, nuint keyLength);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek_for_prev(IntPtr iterator, ReadOnlySpan<byte> key, nuint keyLength);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_next(IntPtr iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_prev(IntPtr iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek_to_last(IntPtr iterator);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_iter_key(IntPtr iterator, out nuint length);
    [LibraryImport(Library)] internal static partial IntPtr rocksdb_iter_value(IntPtr iterator, out nuint length);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_get_error(IntPtr iterator, out IntPtr error);
}
