using System.Runtime.InteropServices;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// An open RocksDB database and its column families, through <see cref="RocksNative"/>. Opened with a TTL per family
/// (RocksDB drops values older than it in compaction) or read-only. Not thread-safe for creating and dropping
/// families: <see cref="SharedDatabase"/> does that under its lock; reads and writes may run on any thread.
/// </summary>
internal sealed unsafe class RocksDatabase : IDisposable
{
    public const string DefaultFamilyName = "default";

    static readonly IntPtr DefaultReads = RocksNative.rocksdb_readoptions_create();
    static readonly IntPtr UnsyncedWrites = RocksNative.rocksdb_writeoptions_create();
    static readonly IntPtr SyncedWrites = CreateSyncedWrites();

    readonly Dictionary<string, RocksFamily> _families;
    IntPtr _handle;

    RocksDatabase(IntPtr handle, Dictionary<string, RocksFamily> families)
    {
        _handle = handle;
        _families = families;
    }

    /// <summary>Opens <paramref name="path"/> with every family listed (the default family among them); a TTL of 0 never expires.</summary>
    public static RocksDatabase OpenWithTtl(RocksOptions options, string path, IReadOnlyList<(string Name, RocksOptions Options, int TtlSeconds)> families)
    {
        var handles = new IntPtr[families.Count];
        var familyOptions = families.Select(f => f.Options.Handle).ToArray();
        var ttls = families.Select(f => f.TtlSeconds).ToArray();
        var names = new NativeNames(families.Select(f => f.Name));
        IntPtr database, error;
        try
        {
            database = RocksNative.rocksdb_open_column_families_with_ttl(options.Handle, path, families.Count, names.Pointers, familyOptions, handles, ttls, out error);
        }
        finally
        {
            names.Free();
        }
        RocksException.ThrowIf(error);
        return new RocksDatabase(database, Families(families.Select(f => f.Name), handles));
    }

    /// <summary>Opens <paramref name="path"/> read-only with the families named (the default family among them); the database is never modified.</summary>
    public static RocksDatabase OpenReadOnly(string path, IReadOnlyList<string> familyNames)
    {
        using var options = new RocksOptions();
        var handles = new IntPtr[familyNames.Count];
        var familyOptions = familyNames.Select(_ => options.Handle).ToArray();
        var names = new NativeNames(familyNames);
        IntPtr database, error;
        try
        {
            database = RocksNative.rocksdb_open_for_read_only_column_families(options.Handle, path, familyNames.Count, names.Pointers, familyOptions, handles, 0, out error);
        }
        finally
        {
            names.Free();
        }
        RocksException.ThrowIf(error);
        return new RocksDatabase(database, Families(familyNames, handles));
    }

    /// <summary>The names of the families of the database at <paramref name="path"/>; throws when there is none or it cannot be read.</summary>
    public static string[] ListFamilies(string path)
    {
        using var options = new RocksOptions();
        var list = RocksNative.rocksdb_list_column_families(options.Handle, path, out var count, out var error);
        RocksException.ThrowIf(error);
        try
        {
            var names = new string[(int)count];
            for (var i = 0; i < names.Length; i++)
                names[i] = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(list, i * IntPtr.Size))!;
            return names;
        }
        finally
        {
            RocksNative.rocksdb_list_column_families_destroy(list, count);
        }
    }

    public RocksFamily DefaultFamily => _families[DefaultFamilyName];

    public bool TryGetFamily(string name, out RocksFamily family) => _families.TryGetValue(name, out family!);

    public RocksFamily GetFamily(string name) =>
        _families.TryGetValue(name, out var family) ? family : throw new KeyNotFoundException($"the database has no column family {name}");

    /// <summary>Creates a family whose values expire <paramref name="ttlSeconds"/> after they were written. Valid only on a database from <see cref="OpenWithTtl"/>.</summary>
    public RocksFamily CreateFamilyWithTtl(RocksOptions options, string name, int ttlSeconds)
    {
        var handle = RocksNative.rocksdb_create_column_family_with_ttl(_handle, options.Handle, name, ttlSeconds, out var error);
        RocksException.ThrowIf(error);
        var family = new RocksFamily(name, handle);
        _families.Add(name, family);
        return family;
    }

    /// <summary>Drops a family with its data and frees its handle.</summary>
    public void DropFamily(string name)
    {
        var family = GetFamily(name);
        RocksNative.rocksdb_drop_column_family(_handle, family.Handle, out var error);
        RocksException.ThrowIf(error);
        _families.Remove(name);
        RocksNative.rocksdb_column_family_handle_destroy(family.Handle);
    }

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key, RocksFamily family)
    {
        var value = RocksNative.rocksdb_get_cf(_handle, DefaultReads, family.Handle, key, (nuint)key.Length, out var length, out var error);
        RocksException.ThrowIf(error);
        if (value == IntPtr.Zero)
            return null;
        try
        {
            return new ReadOnlySpan<byte>((void*)value, checked((int)length)).ToArray();
        }
        finally
        {
            RocksNative.rocksdb_free(value);
        }
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, RocksFamily family)
    {
        RocksNative.rocksdb_put_cf(_handle, UnsyncedWrites, family.Handle, key, (nuint)key.Length, value, (nuint)value.Length, out var error);
        RocksException.ThrowIf(error);
    }

    public void Remove(ReadOnlySpan<byte> key, RocksFamily family)
    {
        RocksNative.rocksdb_delete_cf(_handle, UnsyncedWrites, family.Handle, key, (nuint)key.Length, out var error);
        RocksException.ThrowIf(error);
    }

    /// <summary>Applies a batch at once; <paramref name="sync"/> waits until the write-ahead log is on disk.</summary>
    public void Write(RocksWriteBatch batch, bool sync = false)
    {
        RocksNative.rocksdb_write(_handle, sync ? SyncedWrites : UnsyncedWrites, batch.Handle, out var error);
        RocksException.ThrowIf(error);
    }

    /// <summary>The database as it is now, for iterators that must agree with each other; dispose it after them.</summary>
    public RocksSnapshot Snapshot() => new(_handle);

    /// <summary>An iterator over one family, within the bounds of <paramref name="options"/> (which must outlive it).</summary>
    public RocksIterator NewIterator(RocksFamily family, RocksReadOptions? options = null) =>
        new(RocksNative.rocksdb_create_iterator_cf(_handle, options?.Handle ?? DefaultReads, family.Handle));

    /// <summary>Compacts the keys from <paramref name="start"/> (null: the first) to <paramref name="limit"/> (null: the last).</summary>
    public void CompactRange(byte[]? start, byte[]? limit, RocksFamily family)
    {
        fixed (byte* from = start)
        fixed (byte* to = limit)
            RocksNative.rocksdb_compact_range_cf(_handle, family.Handle, from, (nuint)(start?.Length ?? 0), to, (nuint)(limit?.Length ?? 0));
    }

    /// <summary>A database property (<c>rocksdb.block-cache-capacity</c>, <c>rocksdb.num-running-compactions</c>...), or null when RocksDB has none by that name.</summary>
    public string? GetProperty(string name)
    {
        var value = RocksNative.rocksdb_property_value(_handle, name);
        if (value == IntPtr.Zero)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(value);
        }
        finally
        {
            RocksNative.rocksdb_free(value);
        }
    }

    /// <summary>Frees every family handle and closes the database (flushing nothing: what was written is in its write-ahead log).</summary>
    public void Dispose()
    {
        if (_handle == IntPtr.Zero)
            return;
        foreach (var family in _families.Values)
            RocksNative.rocksdb_column_family_handle_destroy(family.Handle);
        _families.Clear();
        RocksNative.rocksdb_close(_handle);
        _handle = IntPtr.Zero;
    }

    static Dictionary<string, RocksFamily> Families(IEnumerable<string> names, IntPtr[] handles) =>
        names.Select((name, i) => new RocksFamily(name, handles[i])).ToDictionary(f => f.Name);

    static IntPtr CreateSyncedWrites()
    {
        var options = RocksNative.rocksdb_writeoptions_create();
        RocksNative.rocksdb_writeoptions_set_sync(options, 1);
        return options;
    }

    /// <summary>Family names as the C API takes them: an array of NUL-terminated UTF-8 strings, freed after the call.</summary>
    readonly struct NativeNames(IEnumerable<string> names)
    {
        public IntPtr[] Pointers { get; } = names.Select(Marshal.StringToCoTaskMemUTF8).ToArray();

        public void Free()
        {
            foreach (var pointer in Pointers)
                Marshal.FreeCoTaskMem(pointer);
        }
    }
}
