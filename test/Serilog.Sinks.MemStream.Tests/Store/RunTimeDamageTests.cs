using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>A store that opens fine, whose damage RocksDB finds later, when a compaction reads a damaged SST block.</summary>
[NonParallelizable]
public class RunTimeDamageTests
{
    const int EventsBefore = 1000;
    TempFolder _folder = null!;
    string _store = null!;
    string _name = null!;

    [SetUp]
    public void WriteAnSstFileThenDamageOneOfItsBlocks()
    {
        _folder = new TempFolder();
        _store = _folder.Combine("store");
        _name = Some.UniqueName();
        using (var sink = StoreSink.Open(_store, name: _name))
        {
            for (var i = 0; i < EventsBefore; i++)
                sink.Log($"id{i % 7}", $"before {i} {Guid.NewGuid()}");
            sink.Facade.Flush();
            // Compactions write the events to SST files (maintenance leaves a log family's live groups where they are).
            foreach (var family in sink.Store.Database.FamiliesOf(_name))
                sink.Store.Database.Database.CompactRange(null, null, family.Log!);
            sink.Store.RunMaintenance();
        }
        SstDamage.DamageADataBlock(_store);
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void TheSinkSaysTheStoreIsDamagedWithTheAdviceGivenAtOpeningAndStopsQueueing()
    {
        using var selfLog = new SelfLogCapture();
        using var sink = StoreSink.Open(_store, name: _name);
        Assert.That(sink.Facade.Status().StoreState, Is.EqualTo(MemStreamStoreState.Open), "the damage is not visible at opening");

        sink.Store.RunMaintenance(); // the compaction reads the damaged block
        for (var i = 0; i < 100; i++)
            sink.Log("after", $"after {i}");
        sink.Facade.Flush();

        var status = sink.Facade.Status();
        Assert.Multiple(() =>
        {
            Assert.That(status.StoreState, Is.EqualTo(MemStreamStoreState.Unavailable));
            Assert.That(status.StoreMessage, Does.Contain("is damaged").And.Contain("Corruption").And.Contain(Path.GetFullPath(_store)).And.Contain("moveDamagedStoreAside"));
            Assert.That(status.StoreQueuePending, Is.Zero, "nothing waits for a store that cannot recover");
            Assert.That(status.StoreWriteFailures, Is.EqualTo(100), "the events not stored are counted");
            Assert.That(sink.Facade.Snapshot(), Does.Contain("after 99"), "the app keeps logging to the buffer");
            Assert.That(selfLog.Lines, Has.One.Contains("found damaged"));
            Assert.That(Directory.GetDirectories(_folder.Path), Has.Length.EqualTo(1), "nothing was moved without the opt-in");
        });
    }

    [Test]
    public void WithTheOptInTheDamagedStoreIsMovedAsideAtRunTimeAndQueuedEventsGoToAFreshOne()
    {
        using var selfLog = new SelfLogCapture();
        using var sink = StoreSink.Open(_store, name: _name, moveDamagedStoreAside: true);

        sink.Store.RunMaintenance();
        sink.Log("after", "stored in the fresh store");
        sink.Facade.Flush();

        var status = sink.Facade.Status();
        var stored = sink.Facade.QueryPage("after");
        Assert.Multiple(() =>
        {
            Assert.That(status.StoreState, Is.EqualTo(MemStreamStoreState.Open));
            Assert.That(stored.Select(e => e.LogEvent.RenderMessage()), Is.EqualTo(new[] { "stored in the fresh store" }));
            Assert.That(stored[0].Sequence, Is.GreaterThan(EventsBefore), "the sequence continues");
            Assert.That(sink.Facade.Query("id0"), Is.Empty, "the old events stay in the damaged store");
            var aside = Directory.GetDirectories(_folder.Path, "store.damaged-*");
            Assert.That(aside, Has.Length.EqualTo(1), "the damaged files are kept for inspection");
            Assert.That(Directory.GetFiles(aside[0], "*.sst"), Is.Not.Empty);
            Assert.That(selfLog.Lines, Has.One.Contains("was moved to"));
        });
    }

    [Test]
    public void ASinkSharingTheStoreKeepsWorkingAfterAnotherMovedItAside()
    {
        using var other = StoreSink.Open(_store);
        using var sink = StoreSink.Open(_store, name: _name, moveDamagedStoreAside: true);
        other.Log("other", "before the fresh start");
        other.Facade.Flush();

        sink.Store.RunMaintenance();
        sink.Log("after", "mine");
        sink.Facade.Flush();
        other.Log("other", "after the fresh start");
        other.Facade.Flush();

        Assert.Multiple(() =>
        {
            Assert.That(sink.Facade.Status().StoreState, Is.EqualTo(MemStreamStoreState.Open));
            Assert.That(other.Facade.Status().StoreState, Is.EqualTo(MemStreamStoreState.Open));
            Assert.That(sink.Messages("after"), Is.EqualTo(new[] { "mine" }));
            Assert.That(other.Messages("other"), Is.EqualTo(new[] { "after the fresh start" }));
        });
    }
}
