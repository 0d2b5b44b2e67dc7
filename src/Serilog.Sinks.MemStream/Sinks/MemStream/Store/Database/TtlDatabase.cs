using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using RocksDbSharp;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The one bridge to what RocksDbSharp does not wrap: opening a database whose column families each
/// have their own TTL, and creating such a family later. It calls the native API and then builds
/// RocksDbSharp's own <see cref="RocksDb"/> around the handles (its constructor is private), so all
/// other code uses the managed API. The package version is pinned; TtlDatabaseTests proves expiry
/// and fails first if an update moves these private members.
/// </summary>
internal static class TtlDatabase
{
    const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    static readonly Type HandleType = typeof(RocksDb).Assembly.GetType("RocksDbSharp.ColumnFamilyHandleInternal", throwOnError: true)!;
    static readonly Type HandleDictionaryType = typeof(Dictionary<,>).MakeGenericType(typeof(string), HandleType);
    static readonly ConstructorInfo DatabaseConstructor =
        typeof(RocksDb).GetConstructor(Private, [typeof(IntPtr), typeof(object), typeof(object), HandleDictionaryType])
        ?? throw new MissingMethodException("RocksDbSharp.RocksDb has no private (IntPtr, object, object, Dictionary) constructor: the RocksDB package changed.");
    static readonly FieldInfo FamiliesField = typeof(RocksDb).GetField("columnFamilies", Private)
        ?? throw new MissingFieldException("RocksDbSharp.RocksDb has no columnFamilies field: the RocksDB package changed.");

    /// <summary>Opens <paramref name="path"/> with every family listed; a TTL of 0 never expires.</summary>
    public static RocksDb Open(DbOptions options, string path, IReadOnlyList<(string Name, ColumnFamilyOptions Options, int TtlSeconds)> families)
    {
        var names = families.Select(f => f.Name).ToArray();
        var familyOptions = families.Select(f => f.Options.Handle).ToArray();
        var handles = new IntPtr[names.Length];
        var ttls = families.Select(f => f.TtlSeconds).ToArray();

        IntPtr database, error;
        var pinnedTtls = GCHandle.Alloc(ttls, GCHandleType.Pinned);
        try
        {
            database = Native.Instance.rocksdb_open_column_families_with_ttl(
                options.Handle, path, names.Length, names, familyOptions, handles, pinnedTtls.AddrOfPinnedObject(), out error);
        }
        finally
        {
            pinnedTtls.Free();
        }
        if (error != IntPtr.Zero)
            throw new RocksDbException(error);

        var handleDictionary = (IDictionary)Activator.CreateInstance(HandleDictionaryType)!;
        for (var i = 0; i < names.Length; i++)
            handleDictionary.Add(names[i], Activator.CreateInstance(HandleType, handles[i]));

        // The options objects are passed in only so that the RocksDb keeps them alive: their finalizers free native memory.
        return (RocksDb)DatabaseConstructor.Invoke([database, options, families.Select(f => (object)f.Options).ToArray(), handleDictionary]);
    }

    /// <summary>Creates a family with its own TTL. Valid only on a database from <see cref="Open"/>.</summary>
    public static ColumnFamilyHandle CreateFamily(RocksDb database, ColumnFamilyOptions options, string name, int ttlSeconds)
    {
        var handle = Native.Instance.rocksdb_create_column_family_with_ttl(database.Handle, options.Handle, name, ttlSeconds, out var error);
        if (error != IntPtr.Zero)
            throw new RocksDbException(error);

        var family = Activator.CreateInstance(HandleType, handle)!;
        ((IDictionary)FamiliesField.GetValue(database)!).Add(name, family);
        return (ColumnFamilyHandle)family;
    }

    /// <summary>Drops a family and frees its handle (RocksDb.DropColumnFamily forgets the handle without freeing it).</summary>
    public static void DropFamily(RocksDb database, string name)
    {
        var family = database.GetColumnFamily(name);
        database.DropColumnFamily(name);
        ((IDisposable)family).Dispose();
    }
}
