using Serilog.Debugging;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// Opens a sink's store at its path, or explains (once, in SelfLog) why it cannot and hands back a
/// memory-only stand-in, so that a locked, unreachable or damaged store never stops the application.
/// </summary>
internal static class StoreOpener
{
    /// <summary>Opens the store, or answers why it cannot be opened; never throws.</summary>
    public static IEventStore OpenOrExplain(StoreSettings settings)
    {
        SharedDatabase? database = null;
        try
        {
            StoreDirectory.Create(settings.Path);
            database = AcquireOrMoveDamagedAside(settings);
            return new RocksEventStore(database, settings);
        }
        catch (Exception ex)
        {
            if (database is not null)
                DatabaseRegistry.Release(database);
            var reason = StoreFailure.Explain(settings.Path, ex);
            SelfLog.WriteLine("MemStream: the store at {0} is unavailable, so this sink keeps events in memory only: {1}", settings.Path, reason);
            return NullEventStore.Unavailable(settings.Path, reason);
        }
    }

    static SharedDatabase AcquireOrMoveDamagedAside(StoreSettings settings)
    {
        try
        {
            return DatabaseRegistry.Acquire(settings.Path, settings.MoveDamagedStoreAside, settings.MemoryBudget);
        }
        catch (Exception ex) when (settings.MoveDamagedStoreAside && StoreFailure.IsDamage(ex))
        {
            var aside = AsidePath(settings.Path);
            Directory.Move(settings.Path, aside);
            SelfLog.WriteLine("MemStream: the store at {0} was damaged ({1}); it was moved to {2} and a fresh store started", settings.Path, ex.Message, aside);
            StoreDirectory.Create(settings.Path);
            return DatabaseRegistry.Acquire(settings.Path, settings.MoveDamagedStoreAside, settings.MemoryBudget);
        }
    }

    /// <summary>Where a damaged store is moved: <c>&lt;path&gt;.damaged-&lt;UTC time&gt;</c>.</summary>
    public static string AsidePath(string path) =>
        $"{Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar)}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
}
