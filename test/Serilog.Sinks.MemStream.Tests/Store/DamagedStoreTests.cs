using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>A database whose files are damaged, not just a bad value.</summary>
[NonParallelizable]
public class DamagedStoreTests
{
    TempFolder _folder = null!;
    string _store = null!;

    [SetUp]
    public void WriteThenDamageAStore()
    {
        _folder = new TempFolder();
        _store = _folder.Combine("store");
        using (var sink = StoreSink.Open(_store))
        {
            sink.Log("before", "the damage");
            sink.Facade.Flush();
        }
        var random = new Random(7);
        foreach (var manifest in Directory.GetFiles(_store, "MANIFEST-*"))
        {
            var garbage = new byte[new FileInfo(manifest).Length];
            random.NextBytes(garbage);
            File.WriteAllBytes(manifest, garbage);
        }
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void TheSinkRunsInMemoryAndSaysWhereTheDamageIsAndWhatToDo()
    {
        using var selfLog = new SelfLogCapture();

        using var sink = StoreSink.Open(_store);
        sink.Log("after", "still logged");

        var status = sink.Facade.Status();
        Assert.That(status.StoreState, Is.EqualTo(MemStreamStoreState.Unavailable));
        Assert.That(status.StoreMessage, Does.Contain("is damaged").And.Contain(Path.GetFullPath(_store)).And.Contain("moveDamagedStoreAside"));
        Assert.That(sink.Facade.Snapshot(), Is.EqualTo("still logged\n"));
        Assert.That(selfLog.Lines, Has.One.Contains("is damaged"));
        Assert.That(Directory.GetDirectories(_folder.Path), Has.Length.EqualTo(1), "nothing was moved without the opt-in");
    }

    [Test]
    public void WithTheOptInTheDamagedStoreIsMovedAsideAndAFreshOneStarts()
    {
        using var selfLog = new SelfLogCapture();

        using var sink = StoreSink.Open(_store, moveDamagedStoreAside: true);
        sink.Log("after", "stored in the fresh store");
        sink.Facade.Flush();

        Assert.That(sink.Facade.Status().StoreState, Is.EqualTo(MemStreamStoreState.Open));
        Assert.That(sink.Messages("after"), Is.EqualTo(new[] { "stored in the fresh store" }));
        var aside = Directory.GetDirectories(_folder.Path, "store.damaged-*");
        Assert.That(aside, Has.Length.EqualTo(1), "the damaged files are kept for inspection");
        Assert.That(Directory.GetFiles(aside[0], "MANIFEST-*"), Is.Not.Empty);
        Assert.That(selfLog.Lines, Has.One.Contains("was moved to"));
    }
}
