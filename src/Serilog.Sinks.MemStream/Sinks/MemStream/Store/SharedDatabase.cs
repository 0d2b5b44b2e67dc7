using RocksDbSharp;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One RocksDB database opened with TTL, shared by every sink of the process that names its path
/// (see <see cref="DatabaseRegistry"/>). Creating and dropping families takes the write side of a
/// lock whose read side every read and write holds, so no one uses a handle while it is freed.
/// </summary>
internal sealed class SharedDatabase : IDisposable
{
    const string DefaultFamily = "default";
    // After a disk-full error RocksDB resumes writing by itself only once the free space is at least
    // the largest write buffer; RocksDB's 64 MB default would keep a nearly full disk failing for good.
    const ulong WriteBufferBytes = 8 * 1024 * 1024;
    readonly List<ColumnFamilyOptions> _familyOptions = [];
    readonly ReaderWriterLockSlim _familiesLock = new(LockRecursionPolicy.SupportsRecursion);
    readonly HashSet<string> _familyNames;

    SharedDatabase(string path, RocksDb database, List<ColumnFamilyOptions> familyOptions, IEnumerable<string> familyNames)
    {
        Path = path;
        Database = database;
        _familyOptions = familyOptions;
        _familyNames = [.. familyNames];
    }

    public string Path { get; }

    public RocksDb Database { get; }

    /// <summary>The family that holds each sink's sequence number; it never expires.</summary>
    public ColumnFamilyHandle MetadataFamily => Database.GetDefaultColumnFamily();

    public static SharedDatabase Open(string path)
    {
        var options = new DbOptions()
            .SetWriteBufferSize(WriteBufferBytes)
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetKeepLogFileNum(2);

        var existing = RocksDb.TryListColumnFamilies(options, path, out var names) ? names : [DefaultFamily];
        var families = existing.Select(name => (name, NewFamilyOptions(), FamilyName.TryParse(name, out var ttl, out _) ? ttl : 0)).ToList();
        if (!existing.Contains(DefaultFamily))
            families.Insert(0, (DefaultFamily, NewFamilyOptions(), 0));

        var database = TtlDatabase.Open(options, path, families);
        return new SharedDatabase(path, database, families.Select(f => f.Item2).ToList(), families.Select(f => f.name));
    }

    public IDisposable Reading() => new ReadLock(_familiesLock);

    /// <summary>The family for this TTL and sink, created if it does not exist.</summary>
    public ColumnFamilyHandle Family(int ttlSeconds, string? sinkName)
    {
        var name = FamilyName.For(ttlSeconds, sinkName);
        using (Reading())
        {
            if (Database.TryGetColumnFamily(name, out var existing))
                return existing;
        }

        _familiesLock.EnterWriteLock();
        try
        {
            if (Database.TryGetColumnFamily(name, out var existing))
                return existing;
            var options = NewFamilyOptions();
            _familyOptions.Add(options);
            var created = TtlDatabase.CreateFamily(Database, options, name, ttlSeconds);
            _familyNames.Add(name);
            return created;
        }
        finally
        {
            _familiesLock.ExitWriteLock();
        }
    }

    /// <summary>The families of one sink, current and left over from earlier configurations.</summary>
    public List<(string Name, ColumnFamilyHandle Handle)> FamiliesOf(string? sinkName)
    {
        using (Reading())
        {
            var result = new List<(string, ColumnFamilyHandle)>();
            foreach (var name in _familyNames)
            {
                if (FamilyName.BelongsTo(name, sinkName) && Database.TryGetColumnFamily(name, out var handle))
                    result.Add((name, handle));
            }
            return result;
        }
    }

    public void Drop(string familyName)
    {
        _familiesLock.EnterWriteLock();
        try
        {
            TtlDatabase.DropFamily(Database, familyName);
            _familyNames.Remove(familyName);
        }
        finally
        {
            _familiesLock.ExitWriteLock();
        }
    }

    public void Dispose()
    {
        Database.Dispose();
        _familiesLock.Dispose();
    }

    static ColumnFamilyOptions NewFamilyOptions() =>
        new ColumnFamilyOptions().SetCompression(Compression.Lz4).SetWriteBufferSize(WriteBufferBytes);

    sealed class ReadLock : IDisposable
    {
        readonly ReaderWriterLockSlim _lock;

        public ReadLock(ReaderWriterLockSlim @lock)
        {
            _lock = @lock;
            _lock.EnterReadLock();
        }

        public void Dispose() => _lock.ExitReadLock();
    }
}
