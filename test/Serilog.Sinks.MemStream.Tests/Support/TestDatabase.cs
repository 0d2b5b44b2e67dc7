using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>Opens a RocksDB database directly, through the store's own binding, to set up or look into what a store wrote.</summary>
static class TestDatabase
{
    /// <summary>Opens (creating if missing) <paramref name="path"/> with the default family and <paramref name="families"/>, each with its TTL (0: never expires).</summary>
    public static RocksDatabase Open(string path, params (string Name, int TtlSeconds)[] families)
    {
        var all = families.Where(f => f.Name != RocksDatabase.DefaultFamilyName).Prepend((RocksDatabase.DefaultFamilyName, 0))
            .Select(f => (f.Item1, new RocksOptions(), f.Item2)).ToList();
        using var options = new RocksOptions().CreateIfMissing();
        try
        {
            return RocksDatabase.OpenWithTtl(options, path, all);
        }
        finally
        {
            foreach (var family in all)
                family.Item2.Dispose();
        }
    }
}
