namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One <see cref="SharedDatabase"/> per path per process (RocksDB allows one open per path), counted
/// by its users and closed when the last one releases it.
/// </summary>
internal static class DatabaseRegistry
{
    static readonly object Gate = new();
    static readonly Dictionary<string, (SharedDatabase Database, int Users)> Open = new(StringComparer.Ordinal);

    /// <summary>The database at <paramref name="path"/>, opened with <paramref name="memoryBudget"/> by its first user (later users share it as it is).</summary>
    public static SharedDatabase Acquire(string path, bool moveDamagedStoreAside = false, long memoryBudget = StoreMemory.DefaultBudgetBytes)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        lock (Gate)
        {
            if (Open.TryGetValue(fullPath, out var entry))
            {
                if (entry.Database.IsLost)
                    throw new StoreLostException(fullPath);
                Open[fullPath] = (entry.Database, entry.Users + 1);
                entry.Database.MoveDamagedStoreAside |= moveDamagedStoreAside;
                return entry.Database;
            }

            var database = SharedDatabase.Open(fullPath, memoryBudget);
            database.MoveDamagedStoreAside = moveDamagedStoreAside;
            Open[fullPath] = (database, 1);
            return database;
        }
    }

    public static void Release(SharedDatabase database)
    {
        lock (Gate)
        {
            var entry = Open[database.Path];
            if (entry.Users > 1)
            {
                Open[database.Path] = (database, entry.Users - 1);
                return;
            }

            Open.Remove(database.Path);
            database.Dispose();
        }
    }
}
