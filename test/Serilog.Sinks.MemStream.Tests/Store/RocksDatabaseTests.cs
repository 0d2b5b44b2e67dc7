using System.Text;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>
/// The store's own binding of RocksDB's C API against the real library: per-family TTL (so that expiry cannot break
/// silently), families created and dropped, reads within bounds, read-only opening and errors with RocksDB's message.
/// </summary>
public class RocksDatabaseTests
{
    [Test]
    public void AOneSecondFamilyLosesItsEntriesAtCompactionWhileALongerOneKeepsThem()
    {
        using var folder = new TempFolder();
        using var database = Open(folder.Path, ("short", 1), ("long", 3600));
        var (shortLived, longLived) = (database.GetFamily("short"), database.GetFamily("long"));
        using (var batch = new RocksWriteBatch())
        {
            for (var i = 0; i < 100; i++)
            {
                batch.Put(Key(i), new byte[] { 1, 2, 3 }, shortLived);
                batch.Put(Key(i), new byte[] { 1, 2, 3 }, longLived);
            }
            Assert.That(batch.Count, Is.EqualTo(200));
            database.Write(batch);
        }

        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // RocksDB's TTL has whole-second resolution: nothing to await
        Assert.That(Keys(database, shortLived), Has.Count.EqualTo(100), "RocksDB removes expired entries only in compaction");
        database.CompactRange(null, null, shortLived);
        database.CompactRange(null, null, longLived);

        Assert.That(Keys(database, shortLived), Is.Empty);
        Assert.That(Keys(database, longLived), Has.Count.EqualTo(100));
        Assert.That(database.Get(Key(5), longLived), Is.EqualTo(new byte[] { 1, 2, 3 }), "values come back without the TTL timestamp");
    }

    [Test]
    public void AFamilyCreatedLaterGetsItsOwnTtlAndCanBeDropped()
    {
        using var folder = new TempFolder();
        using var database = Open(folder.Path);

        using (var options = new RocksOptions())
        {
            var created = database.CreateFamilyWithTtl(options, "later", 1);
            database.Put(Key(1), new byte[] { 9 }, created);
            Thread.Sleep(TimeSpan.FromSeconds(2.2));
            database.CompactRange(null, null, created);
            Assert.That(Keys(database, created), Is.Empty);
        }

        database.DropFamily("later");
        Assert.That(database.TryGetFamily("later", out _), Is.False);
        database.Dispose();
        Assert.That(RocksDatabase.ListFamilies(folder.Path), Is.EqualTo(new[] { "default" }), "the dropped family is gone from the database");
    }

    [Test]
    public void IteratorsSeekAndStayWithinTheirBoundsAndRemovedKeysAreGone()
    {
        using var folder = new TempFolder();
        using var database = Open(folder.Path, ("f", 0));
        var family = database.GetFamily("f");
        for (var i = 0; i < 10; i++)
            database.Put(Key(i), [(byte)i], family);
        database.Remove(Key(4), family);

        var (lower, upper) = (Key(2), Key(7));
        using var bounds = new RocksReadOptions(lower, upper);
        // RocksDB keeps a pointer to a bound, not a copy: the options must not depend on the arrays passed in.
        (lower[3], upper[3]) = ((byte)'0', (byte)'9');
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var iterator = database.NewIterator(family, bounds);
        iterator.SeekToFirst();
        Assert.That(Encoding.UTF8.GetString(iterator.GetKeySpan()), Is.EqualTo("k002"));
        iterator.SeekForPrev(Key(4));
        Assert.That(Encoding.UTF8.GetString(iterator.Key()), Is.EqualTo("k003"), "k004 was removed: the one before it");
        iterator.Seek(Key(4));
        var seen = new List<(string, byte)>();
        for (; iterator.Valid(); iterator.Next())
            seen.Add((Encoding.UTF8.GetString(iterator.GetKeySpan()), iterator.Value()[0]));
        iterator.ThrowIfFailed();

        Assert.That(seen, Is.EqualTo(new[] { ("k005", (byte)5), ("k006", (byte)6) }), "the upper bound is exclusive");
        Assert.That(database.Get(Key(4), family), Is.Null);
    }

    [Test]
    public void AReadOnlyOpenSeesWhatWasWrittenWhileTheWriterHoldsTheDatabase()
    {
        using var folder = new TempFolder();
        using var writer = Open(folder.Path, ("f", 0));
        writer.Put(Key(1), new byte[] { 7 }, writer.GetFamily("f"));

        var names = RocksDatabase.ListFamilies(folder.Path);
        using var reader = RocksDatabase.OpenReadOnly(folder.Path, names);

        Assert.That(names, Is.EquivalentTo(new[] { "default", "f" }));
        // Read-only, the TTL layer is not there to take off the 4-byte write time it appended.
        var value = reader.Get(Key(1), reader.GetFamily("f"));
        Assert.That(value, Has.Length.EqualTo(5), "read from the writer's write-ahead log, with its write time");
        Assert.That(value![0], Is.EqualTo(7));
        Assert.That(BitConverter.ToInt32(value, 1), Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Within(60));
        Assert.That(reader.GetProperty("rocksdb.estimate-num-keys"), Is.Not.Null);
        Assert.That(reader.GetProperty("rocksdb.no-such-property"), Is.Null);
    }

    [Test]
    public void ErrorsCarryRocksDbsOwnMessage()
    {
        using var folder = new TempFolder();
        using var first = Open(folder.Path);

        var locked = Assert.Throws<RocksException>(() => Open(folder.Path));
        var missing = Assert.Throws<RocksException>(() => RocksDatabase.ListFamilies(Path.Combine(folder.Path, "nothing-here")));

        Assert.That(locked!.Message, Does.Contain("LOCK"), "a second open of a locked database");
        Assert.That(missing!.Message, Does.Contain("nothing-here"));
        Assert.Throws<KeyNotFoundException>(() => first.GetFamily("absent"));
    }

    static RocksDatabase Open(string path, params (string Name, int TtlSeconds)[] families) => TestDatabase.Open(path, families);

    static byte[] Key(int i) => Encoding.UTF8.GetBytes($"k{i:D3}");

    static List<string> Keys(RocksDatabase database, RocksFamily family)
    {
        var keys = new List<string>();
        using var iterator = database.NewIterator(family);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            keys.Add(Encoding.UTF8.GetString(iterator.GetKeySpan()));
        return keys;
    }
}
