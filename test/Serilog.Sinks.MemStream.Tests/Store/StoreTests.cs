using System.Diagnostics;
using System.Text;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

[NonParallelizable]
public class StoreTests
{
    TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void AReopenedStoreAnswersForBothRunsInOrderAndNumbersOnFromTheFirst()
    {
        var name = Some.UniqueName();
        using (var first = StoreSink.Open(_folder.Path, name: name))
        {
            first.Log("order-1", "placed");
            first.Log("order-1", "paid");
        }

        using var second = StoreSink.Open(_folder.Path, name: name);
        second.Log("order-1", "shipped");
        second.Facade.Flush();

        Assert.That(second.Messages("order-1"), Is.EqualTo(new[] { "placed", "paid", "shipped" }));
        Assert.That(second.Facade.SnapshotEvents().Single().Sequence, Is.EqualTo(3), "the sequence continues after the first run's");
    }

    [Test]
    public void EventsWithoutACorrelationIdReachTheBufferButAreNotStored()
    {
        using var sink = StoreSink.Open(_folder.Path);
        sink.Logger.Information("no id here");
        sink.Log("x", "with an id");
        sink.Facade.Flush();

        Assert.That(sink.Facade.Snapshot(), Is.EqualTo("no id here\nwith an id\n"));
        Assert.That(sink.Facade.CorrelationIds(), Is.EqualTo(new[] { "x" }));
        Assert.That(sink.Facade.Status().EventsStored, Is.EqualTo(1));
    }

    [Test]
    public void AQueryReturnsExactlyItsOwnIdWhateverCharactersIdsHold()
    {
        var ids = new[] { "a", "a:b", "a:0000000001", "a:", "", " ", "ünï ćødé ☃ 😀", "x\ny", new string('L', 10_000), new string('L', 10_000) + "2" };
        using var sink = StoreSink.Open(_folder.Path);
        foreach (var id in ids)
        {
            sink.Log(id, "first of " + id.Length);
            sink.Log(id, "second of " + id.Length);
        }
        sink.Facade.Flush();

        foreach (var id in ids)
            Assert.That(sink.Messages(id), Is.EqualTo(new[] { "first of " + id.Length, "second of " + id.Length }), $"id of length {id.Length}: {id[..Math.Min(12, id.Length)]}");
        Assert.That(sink.Facade.CorrelationIds(), Is.EquivalentTo(ids));
        Assert.That(sink.Messages("L"), Is.Empty);
    }

    [Test]
    public void QueriesFilterByMinimumLevelAndPageBySequenceNumber()
    {
        using var sink = StoreSink.Open(_folder.Path);
        for (var i = 0; i < 10; i++)
            sink.Log("paged", $"event {i}", i % 2 == 0 ? LogEventLevel.Information : LogEventLevel.Warning);
        sink.Facade.Flush();

        Assert.That(sink.Messages("paged", LogEventLevel.Warning), Is.EqualTo(new[] { "event 1", "event 3", "event 5", "event 7", "event 9" }));
        var page = sink.Facade.Query("paged", LogEventLevel.Verbose, after: 3, limit: 4);
        Assert.That(page.Select(e => e.RenderMessage()), Is.EqualTo(new[] { "event 3", "event 4", "event 5", "event 6" }), "sequence numbers 4 to 7");
    }

    [Test]
    public void StoredEventsRoundTripEverythingAQueryerNeeds()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var timestamp = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.FromHours(-5));
        var original = new LogEvent(timestamp, LogEventLevel.Error, new InvalidOperationException("boom"),
            new Serilog.Parsing.MessageTemplateParser().Parse("Order {OrderId} for {@Customer} with {Tags} cost {Price}"),
            [
                new LogEventProperty("CorrelationId", new ScalarValue("rt")),
                new LogEventProperty("OrderId", new ScalarValue(42)),
                new LogEventProperty("Customer", new StructureValue([new LogEventProperty("Name", new ScalarValue("Zoë"))], "Customer")),
                new LogEventProperty("Tags", new SequenceValue([new ScalarValue("a"), new ScalarValue(true)])),
                new LogEventProperty("Price", new ScalarValue(9.99m)),
                new LogEventProperty("Map", new DictionaryValue([new(new ScalarValue("k"), new ScalarValue(Guid.Empty))])),
            ], traceId, spanId);
        sink.Logger.Write(original);
        sink.Facade.Flush();

        var stored = sink.Facade.Query("rt").Single();

        Assert.That(stored.Timestamp, Is.EqualTo(timestamp));
        Assert.That(stored.Timestamp.Offset, Is.EqualTo(timestamp.Offset));
        Assert.That(stored.Level, Is.EqualTo(LogEventLevel.Error));
        Assert.That(stored.MessageTemplate.Text, Is.EqualTo(original.MessageTemplate.Text));
        Assert.That(stored.RenderMessage(), Is.EqualTo(original.RenderMessage()));
        Assert.That(stored.Exception!.ToString(), Is.EqualTo(original.Exception!.ToString()));
        Assert.That(stored.TraceId, Is.EqualTo(traceId));
        Assert.That(stored.SpanId, Is.EqualTo(spanId));
        Assert.That(stored.Properties.Keys, Is.EquivalentTo(original.Properties.Keys));
        foreach (var (key, value) in original.Properties)
            Assert.That(stored.Properties[key].ToString(), Is.EqualTo(value.ToString()), key);
    }

    [Test]
    public void ExpiredEntriesAreNeverReturnedBeforeOrAfterCompaction()
    {
        using var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1),
            retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromHours(1) });
        sink.Log("ttl", "info expires", LogEventLevel.Information);
        sink.Log("ttl", "warning stays", LogEventLevel.Warning);
        sink.Log("ttl", "error stays too", LogEventLevel.Error);
        sink.Facade.Flush();
        Assert.That(sink.Messages("ttl"), Has.Count.EqualTo(3));

        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // TTLs count whole seconds: nothing to await

        Assert.That(sink.Messages("ttl"), Is.EqualTo(new[] { "warning stays", "error stays too" }), "before compaction");
        var report = sink.Store.RunMaintenance();
        Assert.That(report.Expired, Is.EqualTo(1));
        Assert.That(sink.Messages("ttl"), Is.EqualTo(new[] { "warning stays", "error stays too" }), "after compaction");
        Assert.That(sink.Facade.Status().ExpiredRemoved, Is.EqualTo(1));
    }

    [Test]
    public void PerLevelRetentionRoutesEachEventToTheFamilyOfItsTtl()
    {
        using var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromHours(24),
            retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromDays(7), [LogEventLevel.Fatal] = TimeSpan.FromDays(30) });
        sink.Log("r", "debug", LogEventLevel.Debug);
        sink.Log("r", "error", LogEventLevel.Error);
        sink.Log("r", "fatal", LogEventLevel.Fatal);
        sink.Facade.Flush();

        var counts = sink.Store.Database.FamiliesOf(sink.Name).ToDictionary(f => f.Name, f => CountEntries(sink.Store.Database, f.Index));
        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, int>
        {
            [FamilyName.For(new(86_400, 0), sink.Name)] = 1,
            [FamilyName.For(new(604_800, 0), sink.Name)] = 1,
            [FamilyName.For(new(2_592_000, 0), sink.Name)] = 1,
        }));
    }

    [Test]
    public void AReopenWithAChangedRetentionReadsTheOldFamilyUntilItDrainsAndIsDropped()
    {
        var name = Some.UniqueName();
        using (var first = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1), name: name))
            first.Log("c", "from the first configuration");

        using var second = StoreSink.Open(_folder.Path, retention: TimeSpan.FromHours(1), name: name);
        second.Log("c", "from the second configuration");
        second.Facade.Flush();
        Assert.That(second.Messages("c"), Is.EqualTo(new[] { "from the first configuration", "from the second configuration" }));

        Thread.Sleep(TimeSpan.FromSeconds(2.2));
        var report = second.Store.RunMaintenance();

        Assert.That(report.DroppedFamilies, Is.EqualTo(new[] { FamilyName.For(new(1, 0), name) }));
        Assert.That(second.Messages("c"), Is.EqualTo(new[] { "from the second configuration" }));
    }

    [Test]
    public void ACorruptValueIsSkippedByQueriesAndRemovedByMaintenance()
    {
        using var sink = StoreSink.Open(_folder.Path);
        sink.Log("damaged", "good before");
        sink.Facade.Flush();
        var family = sink.Store.Database.Family(new(86_400, 0), sink.Name).Index;
        var prefix = StoreKey.Prefix("damaged");
        sink.Store.Database.Database.Put(StoreKey.Key(prefix, 1_000), Encoding.UTF8.GetBytes("not an event at all"), family);
        var truncated = StoredEventCodec.Encode(Some.Event(), DateTimeOffset.UtcNow.AddHours(1))[..20];
        sink.Store.Database.Database.Put(StoreKey.Key(prefix, 1_001), truncated, family);
        sink.Log("damaged", "good after");
        sink.Facade.Flush();

        Assert.That(sink.Messages("damaged"), Is.EqualTo(new[] { "good before", "good after" }));
        var report = sink.Store.RunMaintenance();
        Assert.That(report.Corrupt, Is.EqualTo(2));
        Assert.That(CountEntries(sink.Store.Database, family), Is.EqualTo(2));
        Assert.That(sink.Facade.Status().CorruptRemoved, Is.EqualTo(2));
    }

    [Test]
    public void SinksOnOnePathShareTheDatabaseButNotTheirEntries()
    {
        using var one = StoreSink.Open(_folder.Path);
        using var two = StoreSink.Open(_folder.Path);
        one.Log("shared-id", "from one");
        two.Log("shared-id", "from two");
        one.Facade.Flush();
        two.Facade.Flush();

        Assert.That(one.Messages("shared-id"), Is.EqualTo(new[] { "from one" }));
        Assert.That(two.Messages("shared-id"), Is.EqualTo(new[] { "from two" }));
        Assert.That(one.Store.Database, Is.SameAs(two.Store.Database));

        two.Dispose();
        one.Log("shared-id", "one goes on");
        one.Facade.Flush();
        Assert.That(one.Messages("shared-id"), Is.EqualTo(new[] { "from one", "one goes on" }), "closing one sink leaves the database open for the other");
    }

    [Test]
    public void APathLockedByAnotherProcessLeavesTheSinkWorkingInMemoryAndSaysWhy()
    {
        using var child = ChildProcess.Start("hold", _folder.Path);
        Assert.That(child.ReadLine(), Is.EqualTo("ready"));
        using var selfLog = new SelfLogCapture();

        using var sink = StoreSink.Open(_folder.Path);
        sink.Log("locked", "still logged");

        var status = sink.Facade.Status();
        Assert.That(status.StoreState, Is.EqualTo(MemStreamStoreState.Unavailable));
        Assert.That(status.StoreMessage, Does.Contain("lock"));
        Assert.That(sink.Facade.Snapshot(), Is.EqualTo("still logged\n"));
        Assert.That(sink.Facade.Query("locked"), Is.Empty);
        Assert.That(selfLog.Lines, Has.One.Contains("unavailable").And.Contains(_folder.Path));
    }

    [Test]
    public void APathThatCannotBeCreatedLeavesTheSinkWorkingInMemory()
    {
        var aFile = _folder.Combine("a-file");
        File.WriteAllText(aFile, "");
        using var selfLog = new SelfLogCapture();

        using var sink = StoreSink.Open(Path.Combine(aFile, "store"));
        sink.Log("nowhere", "still logged");

        Assert.That(sink.Facade.Status().StoreState, Is.EqualTo(MemStreamStoreState.Unavailable));
        Assert.That(sink.Facade.Status().StoreMessage, Does.Contain("cannot be created"));
        Assert.That(sink.Facade.Snapshot(), Is.EqualTo("still logged\n"));
        Assert.That(selfLog.Lines, Has.One.Contains("memory only"));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheStoreDirectoryIsCreatedReadableOnlyByItsOwner()
    {
        var path = _folder.Combine("nested/store");

        using var sink = StoreSink.Open(path);

        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(_folder.Combine("nested")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Test]
    public void EveryEventWhoseFlushReturnedSurvivesSigkill()
    {
        int flushed;
        using (var child = ChildProcess.Start("log", _folder.Path))
        {
            string? line;
            do
                line = child.ReadLine();
            while (line is not null && line != "flushed 2000");
            Assert.That(line, Is.Not.Null, "the child ended before flushing");
            flushed = 2000;
            child.Kill();
        }

        // The child used the default (unnamed) sink; read its families with an unnamed sink of our own.
        using var logger = new LoggerConfiguration().WriteTo.MemStream(storePath: _folder.Path, name: null).CreateLogger();
        var numbers = Enumerable.Range(0, 10)
            .SelectMany(c => MemStream.Query($"c{c}"))
            .Select(e => int.Parse(e.Properties["N"].ToString()))
            .ToHashSet();

        var missing = Enumerable.Range(1, flushed).Where(n => !numbers.Contains(n)).ToList();
        Assert.That(missing, Is.Empty, $"{missing.Count} flushed events were lost");
        logger.Information("after the crash");
        Assert.That(MemStream.SnapshotEvents().Single().Sequence, Is.GreaterThan(flushed), "numbering continues after the crash");
    }

    [Test]
    public void WritersQueriesAndMaintenanceRunTogether()
    {
        using var sink = StoreSink.Open(_folder.Path);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            var count = 0;
            while (!stop.IsCancellationRequested)
                sink.Log($"w{w}-{count % 20}", $"event {count++}");
            return count;
        })).ToArray();
        var readers = Task.Run(() =>
        {
            var queries = 0;
            while (!stop.IsCancellationRequested)
            {
                sink.Facade.Query($"w{queries % 3}-{queries % 20}");
                if (queries++ % 50 == 0)
                    sink.Facade.CorrelationIds();
            }
        });
        var maintenance = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
                sink.Store.RunMaintenance();
        });

        Task.WaitAll([.. writers, readers, maintenance]);
        sink.Facade.Flush();

        var written = writers.Sum(w => w.Result);
        var stored = Enumerable.Range(0, 3).SelectMany(w => Enumerable.Range(0, 20).Select(c => $"w{w}-{c}")).Sum(id => sink.Facade.Query(id).Count);
        Assert.That(stored + sink.Facade.Status().StoreQueueOverflowed + sink.Facade.Status().QueueOverflowed, Is.EqualTo(written));
        Assert.That(sink.Facade.Status().StoreWriteFailures, Is.Zero);
    }

    /// <summary>The family's entries, its search index left out (each batch adds to it).</summary>
    static int CountEntries(SharedDatabase database, RocksFamily family)
    {
        var count = 0;
        using var iterator = database.Database.NewIterator(family);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            if (!BatchDirectory.IsDirectory(iterator.GetValueSpan()))
                count++;
        }
        return count;
    }
}
