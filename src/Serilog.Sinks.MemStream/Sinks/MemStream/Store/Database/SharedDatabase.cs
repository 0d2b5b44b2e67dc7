using Serilog.Debugging;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One RocksDB database opened with TTL, shared by every sink of the process that names its path
/// (see <see cref="DatabaseRegistry"/>). Creating and dropping families takes the write side of a
/// lock whose read side every read and write holds, so no one uses a handle while it is freed.
/// </summary>
internal sealed class SharedDatabase : IDisposable
{
    readonly StoreMemory _memory;
    readonly ReaderWriterLockSlim _familiesLock = new(LockRecursionPolicy.SupportsRecursion);
    readonly HashSet<string> _familyNames;
    int _generation;

    SharedDatabase(string path, long memoryBudget)
    {
        Path = path;
        _memory = new StoreMemory(memoryBudget);
        _familyNames = [];
        Database = null!;
    }

    public string Path { get; }

    /// <summary>The open database; replaced (under the write lock) only by <see cref="StartFresh"/>.</summary>
    public RocksDatabase Database { get; private set; }

    /// <summary>Changes each time <see cref="StartFresh"/> replaces the database; handles from an earlier generation are freed.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Whether any sink sharing this database opted in to moving a damaged store aside.</summary>
    public bool MoveDamagedStoreAside { get; set; }

    /// <summary>The family that holds each sink's sequence number; it never expires.</summary>
    public RocksFamily MetadataFamily => Database.DefaultFamily;

    /// <summary>The bytes of memory the database's write buffers and block cache share.</summary>
    public long MemoryBudget => _memory.BudgetBytes;

    public static SharedDatabase Open(string path, long memoryBudget)
    {
        var shared = new SharedDatabase(path, memoryBudget);
        try
        {
            shared.OpenAt(path);
        }
        catch
        {
            shared._memory.Dispose();
            throw;
        }
        return shared;
    }

    /// <summary>
    /// After RocksDB found the database's files damaged (an unrecoverable background error: every
    /// write fails until it is closed), moves the directory aside and opens a fresh database with the
    /// same families, when a sink opted in. True when the caller should retry its write (this or
    /// another sink started fresh since <paramref name="seenGeneration"/>); false to give the store up.
    /// </summary>
    public bool StartFresh(int seenGeneration, Exception damage)
    {
        _familiesLock.EnterWriteLock();
        try
        {
            if (IsLost)
                return false;
            if (Generation != seenGeneration)
                return true;
            if (!MoveDamagedStoreAside)
                return false;
            Database.Dispose();
            Interlocked.Increment(ref _generation);
            var aside = StoreOpener.AsidePath(Path);
            try
            {
                Directory.Move(Path, aside);
                StoreDirectory.Create(Path);
                OpenAt(Path);
            }
            catch (Exception ex)
            {
                SelfLog.WriteLine("MemStream: the damaged store at {0} could not be moved aside and replaced: {1}", Path, ex.Message);
                ReopenOrLose();
                return false;
            }
            SelfLog.WriteLine("MemStream: the store at {0} was found damaged while running ({1}); it was moved to {2} and a fresh store started", Path, damage.Message, aside);
            return true;
        }
        finally
        {
            _familiesLock.ExitWriteLock();
        }
    }

    /// <summary>
    /// After a failed swap: whatever is at the path now (the damaged store, or an empty directory), so that
    /// no handle points into the closed database. When even that fails the database is lost to this
    /// process: <see cref="IsLost"/> is set, and every user must check it before touching <see cref="Database"/>.
    /// </summary>
    void ReopenOrLose()
    {
        try
        {
            OpenAt(Path);
        }
        catch (Exception ex)
        {
            IsLost = true;
            _familyNames.Clear();
            SelfLog.WriteLine("MemStream: the store at {0} could not be reopened either, so nothing more is stored there until the application restarts: {1}", Path, ex.Message);
        }
    }

    /// <summary>True once the database was closed after damage and could not be opened again; read under <see cref="Reading"/>.</summary>
    public bool IsLost { get; private set; }

    void OpenAt(string path)
    {
        // A fresh store gets the families of the one it replaces, so every sink finds its families by name.
        string[] existing = File.Exists(System.IO.Path.Combine(path, "CURRENT")) ? RocksDatabase.ListFamilies(path) : [.. _familyNames];
        var names = existing.Where(n => n != RocksDatabase.DefaultFamilyName).Prepend(RocksDatabase.DefaultFamilyName).ToList();
        var families = names.Select(name => (name, NewFamilyOptions(name), FamilyName.TryParse(name, out var family, out _, out _) ? family.TtlSeconds : 0)).ToList();
        using var options = _memory.ApplyToDatabase(new RocksOptions()).CreateIfMissing().KeepLogFiles(2);
        try
        {
            Database = RocksDatabase.OpenWithTtl(options, path, families);
        }
        finally
        {
            foreach (var family in families)
                family.Item2.Dispose();
        }
        _familyNames.Clear();
        _familyNames.UnionWith(names.Skip(1));
    }

    public IDisposable Reading() => new ReadLock(_familiesLock);

    /// <summary>The index and log families for this TTL and epoch and sink, created if they do not exist.</summary>
    public FamilyHandles Family(StoreFamily family, string? sinkName) =>
        new(Create(FamilyName.For(family, sinkName), family.TtlSeconds), Create(FamilyName.ForLog(family, sinkName), family.TtlSeconds));

    RocksFamily Create(string name, int ttlSeconds)
    {
        using (Reading())
        {
            if (Database.TryGetFamily(name, out var existing))
                return existing;
        }

        _familiesLock.EnterWriteLock();
        try
        {
            if (Database.TryGetFamily(name, out var existing))
                return existing;
            using var options = NewFamilyOptions(name);
            var created = Database.CreateFamilyWithTtl(options, name, ttlSeconds);
            _familyNames.Add(name);
            return created;
        }
        finally
        {
            _familiesLock.ExitWriteLock();
        }
    }

    /// <summary>The families of one sink, current and left over from earlier configurations and epochs, each with its log family if it has one.</summary>
    public List<OpenFamily> FamiliesOf(string? sinkName)
    {
        using (Reading())
        {
            var result = new List<OpenFamily>();
            foreach (var name in _familyNames)
            {
                if (FamilyName.TryParse(name, out var family, out var owner) && owner == sinkName && Database.TryGetFamily(name, out var handle))
                    result.Add(new OpenFamily(name, family, handle, Database.TryGetFamily(FamilyName.ForLog(family, sinkName), out var log) ? log : null));
            }
            return result;
        }
    }

    /// <summary>Drops a sink's family and its log family.</summary>
    public void Drop(OpenFamily family, string? sinkName)
    {
        _familiesLock.EnterWriteLock();
        try
        {
            foreach (var name in new[] { family.Name, FamilyName.ForLog(family.Family, sinkName) })
            {
                if (!_familyNames.Contains(name))
                    continue;
                Database.DropFamily(name);
                _familyNames.Remove(name);
            }
        }
        finally
        {
            _familiesLock.ExitWriteLock();
        }
    }

    public void Dispose()
    {
        // Under the write lock: a query that holds the read side finishes before the database closes.
        _familiesLock.EnterWriteLock();
        try
        {
            if (!IsLost)
                Database.Dispose();
            _memory.Dispose();
        }
        finally
        {
            _familiesLock.ExitWriteLock();
        }
        _familiesLock.Dispose();
    }

    /// <summary>
    /// A family's options. Index families get bounded levels: with RocksDB's default ones their compactions cost more the
    /// larger the store had grown (measured in the bench's <c>growth</c> run). Log families keep the default levels: their
    /// keys only grow, so their files are moved down, never rewritten.
    /// </summary>
    RocksOptions NewFamilyOptions(string name) => FamilyName.TryParse(name, out _, out _)
        ? _memory.ApplyToIndexFamily(new RocksOptions()).Lz4()
        : _memory.ApplyToFamily(new RocksOptions()).Lz4();

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
