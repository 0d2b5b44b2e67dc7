using System.Buffers.Binary;
using System.Diagnostics;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>
/// Keys hold ten digits, but the store never stops: past the largest such number, events go on in the next
/// key epoch's families, and queries read the epochs in order. Tested by starting the sink's sequence just
/// below the ceiling and crossing it, with a restart in between.
/// </summary>
[NonParallelizable]
public class KeyEpochTests
{
    TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void EventsAcrossTheTenDigitCeilingAreStoredAndQueriedInWriteOrderAcrossARestart()
    {
        var name = Some.UniqueName();
        StartSequenceAt(name, StoreKey.MaxSequence - 3);
        ActivityTraceId trace = default;
        using (var first = StoreSink.Open(_folder.Path, name: name))
        {
            for (var i = 0; i < 6; i++)
                first.Log("order-1", $"before restart {i}");
            trace = InTrace(() => first.Log("order-2", "traced across"));
            first.Facade.Flush();
            Assert.That(first.Facade.Status().LastSequence, Is.EqualTo(StoreKey.MaxSequence + 4), "numbering went on past ten digits");
        }
        using var second = StoreSink.Open(_folder.Path, name: name);
        for (var i = 0; i < 3; i++)
            second.Log("order-1", $"after restart {i}");
        second.Logger.Write(LogEventLevel.Warning, "a warning {CorrelationId}", "order-1");
        second.Facade.Flush();

        var all = second.Facade.QueryPage("order-1");
        Assert.That(all.Select(e => e.LogEvent.RenderMessage()), Is.EqualTo(
            Enumerable.Range(0, 6).Select(i => $"before restart {i}").Concat(Enumerable.Range(0, 3).Select(i => $"after restart {i}")).Append("a warning \"order-1\"")));
        Assert.That(all.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(0, 6).Select(i => StoreKey.MaxSequence - 2 + i)
            .Concat(Enumerable.Range(0, 4).Select(i => StoreKey.MaxSequence + 5 + i))), "each event's own sequence number, on both sides of the ceiling");

        var pages = new List<long>();
        var after = 0L;
        IReadOnlyList<MemStreamStoredEvent> page;
        while ((page = second.Facade.QueryPage("order-1", after: after, limit: 2)).Count > 0)
        {
            pages.AddRange(page.Select(e => e.Sequence));
            after = page[^1].Sequence;
        }
        Assert.That(pages, Is.EqualTo(all.Select(e => e.Sequence)), "pages of two walk across the ceiling exactly once");
        Assert.That(second.Facade.QueryPage("order-1", after: StoreKey.MaxSequence).Select(e => e.Sequence), Is.EqualTo(all.Skip(3).Select(e => e.Sequence)));
        Assert.That(second.Facade.Query("order-1", LogEventLevel.Warning).Select(e => e.RenderMessage()), Is.EqualTo(new[] { "a warning \"order-1\"" }));
        Assert.That(second.Messages(trace.ToHexString()), Is.EqualTo(new[] { "traced across" }), "found by its trace in the new epoch");
        Assert.That(second.Facade.CorrelationIds(), Is.EqualTo(new[] { "order-1", "order-2" }));
        Assert.That(second.Facade.Status().StoreWriteFailures, Is.Zero, "nothing refused");
        var families = second.Store.Database.FamiliesOf(name).Select(f => f.Name).ToList();
        Assert.That(families, Is.EquivalentTo(new[] { FamilyName.For(new(86_400, 0), name), FamilyName.For(new(86_400, 1), name) }));
    }

    [Test]
    public void AnEarlierEpochsFamilyIsDroppedOnceItDrains()
    {
        var name = Some.UniqueName();
        StartSequenceAt(name, StoreKey.MaxSequence - 1);
        using var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1), name: name);
        sink.Log("c", "last of epoch 0");
        sink.Log("c", "first of epoch 1");
        sink.Facade.Flush();
        Assert.That(sink.Messages("c"), Is.EqualTo(new[] { "last of epoch 0", "first of epoch 1" }));

        Thread.Sleep(TimeSpan.FromSeconds(2.2));
        var report = sink.Store.RunMaintenance();

        // (The first opening, which set the sequence up, left an empty family of the default retention too.)
        Assert.That(report.DroppedFamilies, Is.EquivalentTo(new[] { FamilyName.For(new(1, 0), name), FamilyName.For(new(86_400, 0), name) }),
            "epoch 0's family, expired and drained; epoch 1's is current");
        Assert.That(sink.Store.Database.FamiliesOf(name).Select(f => f.Name), Is.EqualTo(new[] { FamilyName.For(new(1, 1), name) }));
    }

    [TestCase("ttl-86400s", 86_400, 0, null)]
    [TestCase("ttl-86400s@audit", 86_400, 0, "audit")]
    [TestCase("ttl-60s-e1", 60, 1, null)]
    [TestCase("ttl-60s-e12@a-e3@b", 60, 12, "a-e3@b")]
    public void FamilyNamesRoundTrip(string name, int ttl, int epoch, string? sink)
    {
        Assert.That(FamilyName.TryParse(name, out var family, out var owner), Is.True);
        Assert.That((family.TtlSeconds, family.Epoch, owner), Is.EqualTo((ttl, epoch, sink)));
        Assert.That(FamilyName.For(family, owner), Is.EqualTo(name));
    }

    [TestCase("ttl-60s-e0")]
    [TestCase("ttl-60s-ex")]
    [TestCase("ttl-60s-e")]
    [TestCase("ttl-60sx")]
    public void OtherNamesAreNotFamilies(string name) => Assert.That(FamilyName.TryParse(name, out _, out _), Is.False);

    [Test]
    public void SequenceNumbersMapToKeysAndBack()
    {
        foreach (var sequence in new[] { 1L, StoreKey.MaxSequence, StoreKey.MaxSequence + 1, 3 * StoreKey.MaxSequence + 7 })
        {
            var inKey = KeyEpoch.InKey(sequence);
            Assert.That(inKey, Is.InRange(1L, StoreKey.MaxSequence), $"{sequence}");
            Assert.That(KeyEpoch.FromKey(KeyEpoch.Of(sequence), inKey), Is.EqualTo(sequence));
        }
        Assert.That(KeyEpoch.Of(StoreKey.MaxSequence), Is.Zero);
        Assert.That(KeyEpoch.Of(StoreKey.MaxSequence + 1), Is.EqualTo(1));
        Assert.That(KeyEpoch.AfterInKeys(1, StoreKey.MaxSequence - 5), Is.Zero, "all of epoch 1 follows");
        Assert.That(KeyEpoch.AfterInKeys(0, StoreKey.MaxSequence), Is.Null, "nothing of epoch 0 follows");
        Assert.That(KeyEpoch.AfterInKeys(1, long.MaxValue), Is.Null);
    }

    /// <summary>Records <paramref name="sequence"/> as the sink's last, as a store that ran that long would hold it.</summary>
    void StartSequenceAt(string sinkName, long sequence)
    {
        using (StoreSink.Open(_folder.Path, name: sinkName))
        {
            // Opened once and closed: the store's database, with its metadata, exists.
        }
        using var database = TestDatabase.Open(_folder.Path, [.. RocksDatabase.ListFamilies(_folder.Path).Select(name => (name, 0))]);
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        database.Put(StoreKey.SequenceKey(sinkName), bytes, database.DefaultFamily);
    }

    static ActivityTraceId InTrace(Action log)
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        log();
        return activity.TraceId;
    }
}
