using RocksDbSharp;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// A MemStream store opened read-only, so it can be read while the application runs (RocksDB lets a
/// read-only instance open a locked database) or after it is gone, and is never modified. Values are
/// read raw: a database written with TTL appends a 4-byte write time to each value, which is dropped here.
/// The one place outside the sink that knows the store's layout: the <c>memstream</c> tool reads stores through it.
/// </summary>
internal sealed class ReadOnlyStore : IDisposable
{
    const int TtlSuffixLength = 4;
    const int PageEvents = 1000;
    readonly RocksDb _database;
    readonly List<(string Name, StoreFamily Family, ColumnFamilyHandle Handle)> _families;

    ReadOnlyStore(string path, RocksDb database, List<(string, StoreFamily, ColumnFamilyHandle)> families)
    {
        Path = path;
        _database = database;
        _families = families;
    }

    public string Path { get; }

    public IReadOnlyList<(string Name, int TtlSeconds)> Families => _families.Select(f => (f.Name, f.Family.TtlSeconds)).ToList();

    /// <summary>Opens the store at <paramref name="path"/> read-only, for one sink's part of it; <see cref="StoreUnreadableException"/> says why it cannot.</summary>
    public static ReadOnlyStore Open(string path, string? sinkName)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new StoreUnreadableException($"{full} does not exist. Pass the directory the application's storePath names (by default <temp>/memstream/<application name>).");
        if (!File.Exists(System.IO.Path.Combine(full, "CURRENT")))
            throw new StoreUnreadableException($"{full} is not a MemStream store (it holds no RocksDB database). Pass the directory the application's storePath names.");

        try
        {
            var names = RocksDb.ListColumnFamilies(new DbOptions(), full);
            var families = new ColumnFamilies();
            foreach (var name in names.Where(n => n != "default"))
                families.Add(name, new ColumnFamilyOptions());
            var database = RocksDb.OpenReadOnly(new DbOptions(), full, families, errIfLogFileExists: false);
            var own = names
                .Where(name => FamilyName.BelongsTo(name, sinkName))
                .Select(name => (name, FamilyName.TryParse(name, out var family, out _) ? family : default, database.GetColumnFamily(name)))
                .ToList();
            return new ReadOnlyStore(full, database, own);
        }
        catch (RocksDbException ex)
        {
            throw new StoreUnreadableException($"the store at {full} cannot be read: {ex.Message}. If another program holds it in a way RocksDB forbids, try again once it has stopped.");
        }
    }

    /// <summary>Every entry of the sink's families, in key order per family.</summary>
    public IEnumerable<StoredEntry> Entries()
    {
        foreach (var (name, family, handle) in _families)
        {
            using var iterator = _database.NewIterator(handle);
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                var key = iterator.Key();
                if (StoreKey.TrySplit(key, out var idForm, out var sequence))
                    yield return new StoredEntry(name, idForm.ToArray(), KeyEpoch.FromKey(family.Epoch, sequence), WithoutTtlSuffix(iterator.Value()));
            }
        }
    }

    /// <summary>
    /// The live events of one correlation id or trace id at or above a level, in write order (the sink's own scan),
    /// read a bounded page at a time: a long history is never held in memory whole.
    /// </summary>
    public IEnumerable<MemStreamStoredEvent> Query(string id, LogEventLevel minLevel)
    {
        var families = _families.Select(f => (f.Handle, f.Family.Epoch)).ToList();
        var page = new StoredPage([], MayHaveMore: true);
        for (var after = 0L; page.MayHaveMore; after = page.Events[^1].Sequence)
        {
            page = StoreQueries.Scan(_database, families, id, minLevel, after, limit: PageEvents, StoredPage.MaxBytes, TtlSuffixLength);
            foreach (var storedEvent in page.Events)
                yield return storedEvent;
            if (page.Events.Count == 0)
                yield break;
        }
    }

    public long SizeOnDisk() => new DirectoryInfo(Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public void Dispose() => _database.Dispose();

    static byte[] WithoutTtlSuffix(byte[] value) => value.Length >= TtlSuffixLength ? value[..^TtlSuffixLength] : [];
}
