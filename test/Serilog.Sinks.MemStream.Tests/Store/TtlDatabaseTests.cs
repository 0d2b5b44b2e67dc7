using System.Text;
using RocksDbSharp;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>Proves the bridge to RocksDB's per-family TTL, so that a package update cannot break expiry silently.</summary>
public class TtlDatabaseTests
{
    [Test]
    public void AOneSecondFamilyLosesItsEntriesAtCompactionWhileALongerOneKeepsThem()
    {
        using var folder = new TempFolder();
        var families = new List<(string, ColumnFamilyOptions, int)>
        {
            ("default", new ColumnFamilyOptions(), 0),
            ("short", new ColumnFamilyOptions(), 1),
            ("long", new ColumnFamilyOptions(), 3600),
        };
        using var database = TtlDatabase.Open(new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true), folder.Path, families);
        var (shortLived, longLived) = (database.GetColumnFamily("short"), database.GetColumnFamily("long"));
        using (var batch = new WriteBatch())
        {
            for (var i = 0; i < 100; i++)
            {
                batch.Put(Encoding.UTF8.GetBytes($"k{i:D3}"), new byte[] { 1, 2, 3 }, shortLived);
                batch.Put(Encoding.UTF8.GetBytes($"k{i:D3}"), new byte[] { 1, 2, 3 }, longLived);
            }
            database.Write(batch);
        }

        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // RocksDB's TTL has whole-second resolution: nothing to await
        Assert.That(Count(database, shortLived), Is.EqualTo(100), "RocksDB removes expired entries only in compaction");
        database.CompactRange((byte[]?)null, null, shortLived);
        database.CompactRange((byte[]?)null, null, longLived);

        Assert.That(Count(database, shortLived), Is.Zero);
        Assert.That(Count(database, longLived), Is.EqualTo(100));
        Assert.That(database.Get(Encoding.UTF8.GetBytes("k005"), longLived), Is.EqualTo(new byte[] { 1, 2, 3 }), "values come back without the TTL timestamp");
    }

    [Test]
    public void AFamilyCreatedLaterGetsItsOwnTtlAndCanBeDropped()
    {
        using var folder = new TempFolder();
        using var database = TtlDatabase.Open(new DbOptions().SetCreateIfMissing(true), folder.Path, [("default", new ColumnFamilyOptions(), 0)]);

        var created = TtlDatabase.CreateFamily(database, new ColumnFamilyOptions(), "later", 1);
        database.Put(Encoding.UTF8.GetBytes("k"), new byte[] { 9 }, created);
        Thread.Sleep(TimeSpan.FromSeconds(2.2));
        database.CompactRange((byte[]?)null, null, created);

        Assert.That(Count(database, created), Is.Zero);
        TtlDatabase.DropFamily(database, "later");
        Assert.That(database.TryGetColumnFamily("later", out _), Is.False);
    }

    static int Count(RocksDb database, ColumnFamilyHandle family)
    {
        var count = 0;
        using var iterator = database.NewIterator(family);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            count++;
        return count;
    }
}
