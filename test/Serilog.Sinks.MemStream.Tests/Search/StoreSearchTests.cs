using System.Diagnostics;
using System.Text;
using CsCheck;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Search;

/// <summary>
/// <see cref="MemStreamInstance.Search"/> across ids: every criterion and their combinations, newest first, pages with
/// no gap or duplicate (whatever the mix of ids, traces, levels, families and batches, and while events are written),
/// time-range edges, expiry, restarts, the budget, and a damaged index entry.
/// </summary>
[NonParallelizable]
public class StoreSearchTests
{
    TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>One generated event: its correlation id (or none: -1), whether it is in a trace, its level, whether a batch ends after it, whether it is large.</summary>
    public readonly record struct Logged(int CorrelationId, bool Traced, LogEventLevel Level, bool FlushAfter, bool Large);

    [Test]
    public void PagingThroughASearchAtAnyPageSizeGivesEveryMatchNewestFirstExactlyOnce()
    {
        var logged = Gen.Select(Gen.Int[-1, 3], Gen.Bool, Gen.Int[1, 5], Gen.Int[0, 6], Gen.Bool)
            .Select((id, traced, level, flush, large) => new Logged(id, traced, (LogEventLevel)level, flush == 0, large))
            .Array[1, 60];
        logged.Sample(events =>
        {
            // Warnings and above live in a family of their own, so one batch's events are split across two.
            using var sink = StoreSink.Open(_folder.Path, retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromHours(2) });
            var stored = new List<(LogEventLevel Level, string Message)>();
            for (var i = 0; i < events.Length; i++)
            {
                var (id, traced, level, flushAfter, large) = events[i];
                using var trace = traced ? new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start() : null;
                var message = large ? $"event {i} {new string('x', 600)}" : $"event {i}";
                (id >= 0 ? sink.Logger.ForContext("CorrelationId", $"id-{id}") : sink.Logger).Write(level, message);
                if (id >= 0 || traced)
                    stored.Add((level, message));
                if (flushAfter)
                    sink.Facade.Flush();
            }
            sink.Facade.Flush();
            stored.Reverse();

            foreach (var minLevel in new[] { LogEventLevel.Debug, LogEventLevel.Information, LogEventLevel.Warning, LogEventLevel.Error })
            {
                var want = stored.Where(e => e.Level >= minLevel).Select(e => e.Message).ToList();
                foreach (var limit in new[] { 1, 2, 3, 100 })
                    Assert.That(Paged(sink, new MemStreamQuery { MinLevel = minLevel, Limit = limit }).Messages, Is.EqualTo(want), $"at {minLevel}, {limit} a page");
                Assert.That(Paged(sink, new MemStreamQuery { MinLevel = minLevel, ScanBudget = 1 }).Messages, Is.EqualTo(want), $"at {minLevel}, one event's budget a page");
            }
        }, iter: 20, threads: 1);
    }

    [Test]
    public void EachCriterionAndTheirCombinationFindExactlyTheirEventsAcrossIds()
    {
        using var sink = StoreSink.Open(_folder.Path);
        for (var i = 0; i < 60; i++)
        {
            var level = i % 10 == 0 ? LogEventLevel.Error : i % 5 == 0 ? LogEventLevel.Warning : LogEventLevel.Information;
            sink.Logger.ForContext("CorrelationId", $"order-{i % 7}").Write(level, "Order {OrderId} took {Elapsed} ms", i, i * 10);
        }
        sink.Facade.Flush();

        Assert.That(Ids(sink, new MemStreamQuery { Limit = 1000 }), Is.EqualTo(Enumerable.Range(0, 60).Reverse()), "everything, newest first");
        Assert.That(Ids(sink, new MemStreamQuery { MinLevel = LogEventLevel.Error }), Is.EqualTo(new[] { 50, 40, 30, 20, 10, 0 }));
        Assert.That(Ids(sink, new MemStreamQuery { MinLevel = LogEventLevel.Warning }), Is.EqualTo(new[] { 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 0 }));
        Assert.That(Ids(sink, new MemStreamQuery { Filter = "Elapsed >= 500" }), Is.EqualTo(Enumerable.Range(50, 10).Reverse()));
        Assert.That(Ids(sink, new MemStreamQuery { Filter = "CorrelationId = 'order-3'" }), Is.EqualTo(new[] { 59, 52, 45, 38, 31, 24, 17, 10, 3 }), "across ids by property");
        Assert.That(Ids(sink, new MemStreamQuery { Text = "ORDER 4 took" }), Is.EqualTo(new[] { 4 }), "the rendered message, any case");
        Assert.That(Ids(sink, new MemStreamQuery { Text = "took 5" }), Is.EqualTo(new[] { 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 5 }), "took 50, 500 to 590 ms");
        Assert.That(Ids(sink, new MemStreamQuery { MinLevel = LogEventLevel.Warning, Filter = "OrderId < 30", Text = "took" }), Is.EqualTo(new[] { 25, 20, 15, 10, 5, 0 }), "all at once");
        Assert.That(Ids(sink, new MemStreamQuery { Id = "order-3", MinLevel = LogEventLevel.Warning }), Is.EqualTo(new[] { 10, 45 }), "one id's history: write order");
        Assert.That(Ids(sink, new MemStreamQuery { Text = "no such text" }), Is.Empty);
    }

    [Test]
    public void ATimeRangeIncludesItsEdgesAndNothingBeyond()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        for (var i = 0; i < 10; i++)
            sink.Logger.Write(Some.Event("at minute {Minute}", LogEventLevel.Warning, null, start.AddMinutes(i), ("Minute", i), ("CorrelationId", "t")));
        sink.Facade.Flush();

        Assert.That(Minutes(sink, new MemStreamQuery { From = start.AddMinutes(3), To = start.AddMinutes(5) }), Is.EqualTo(new[] { 5, 4, 3 }));
        Assert.That(Minutes(sink, new MemStreamQuery { From = start.AddMinutes(3).AddMilliseconds(1), To = start.AddMinutes(5).AddMilliseconds(-1) }), Is.EqualTo(new[] { 4 }));
        Assert.That(Minutes(sink, new MemStreamQuery { From = start.AddMinutes(8), MinLevel = LogEventLevel.Warning }), Is.EqualTo(new[] { 9, 8 }), "through the problems index");
        Assert.That(Minutes(sink, new MemStreamQuery { To = start.AddMinutes(1) }), Is.EqualTo(new[] { 1, 0 }));
        Assert.That(Minutes(sink, new MemStreamQuery { From = DateTimeOffset.UtcNow.AddMinutes(1) }), Is.Empty, "nothing was written after from");
        var page = sink.Facade.Search(new MemStreamQuery { From = DateTimeOffset.UtcNow.AddMinutes(1) });
        Assert.That((page.Next, page.Scanned), Is.EqualTo(((long?)null, 0L)), "a batch written before from ends the search unread");
    }

    [Test]
    public void PagesHaveNoGapOrDuplicateWhileEventsAreWritten()
    {
        using var sink = StoreSink.Open(_folder.Path, retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromHours(2) });
        for (var i = 0; i < 500; i++)
            sink.Log($"id-{i % 37}", $"before {i}", i % 3 == 0 ? LogEventLevel.Warning : LogEventLevel.Information);
        sink.Facade.Flush();
        using var stop = new CancellationTokenSource();
        // Writes go on during the whole search, bounded so that a slow machine is not flooded; warnings go to a family of their own.
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 20_000 && !stop.IsCancellationRequested; i++)
            {
                sink.Log($"id-{i % 37}", $"during {i}", i % 3 == 0 ? LogEventLevel.Warning : LogEventLevel.Information);
                if (i % 50 == 0)
                    sink.Facade.Flush();
            }
        });

        var (messages, sequences, _) = Paged(sink, new MemStreamQuery { Limit = 7, Text = "before" });
        stop.Cancel();
        writer.Wait(TimeSpan.FromMinutes(1));

        Assert.That(sequences, Is.Ordered.Descending.And.Unique);
        Assert.That(messages, Is.EqualTo(Enumerable.Range(0, 500).Reverse().Select(i => $"before {i}")));
    }

    [Test]
    public void AFamilyWrittenLongAgoDoesNotLiftTheBudget()
    {
        // Errors live in a family of their own, last written before 20,000 newer events of the other family.
        using var sink = StoreSink.Open(_folder.Path, retentionByLevel: new() { [LogEventLevel.Error] = TimeSpan.FromHours(2) });
        sink.Log("old", "the only error", LogEventLevel.Error);
        sink.Facade.Flush();
        for (var i = 0; i < 20_000; i++)
            sink.Log($"id-{i % 100}", $"information {i}");
        sink.Facade.Flush();

        var page = sink.Facade.Search(new MemStreamQuery { Text = "the only", ScanBudget = 100 });

        Assert.That(page.Scanned, Is.LessThanOrEqualTo(100 + 1000), "the budget, and at most the one batch that passed it");
        Assert.That(page.Next, Is.Not.Null, "more to read");
        Assert.That(Paged(sink, new MemStreamQuery { Text = "the only", ScanBudget = 500 }).Messages, Is.EqualTo(new[] { "the only error" }), "found, page after page");
    }

    [Test]
    public void ExpiredEventsAreNotFound()
    {
        using var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1),
            retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromHours(1) });
        sink.Log("ttl", "info expires");
        sink.Log("ttl", "warning stays", LogEventLevel.Warning);
        sink.Facade.Flush();
        Assert.That(Paged(sink, new MemStreamQuery()).Messages, Has.Count.EqualTo(2));

        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // TTLs count whole seconds: nothing to await

        Assert.That(Paged(sink, new MemStreamQuery()).Messages, Is.EqualTo(new[] { "warning stays" }), "before compaction");
        sink.Store.RunMaintenance();
        Assert.That(Paged(sink, new MemStreamQuery()).Messages, Is.EqualTo(new[] { "warning stays" }), "after compaction");
    }

    [Test]
    public void ASearchFindsTheSameAfterARestart()
    {
        var name = Some.UniqueName();
        using (var sink = StoreSink.Open(_folder.Path, name: name))
        {
            sink.Log("a", "one");
            sink.Log("b", "two", LogEventLevel.Error);
            sink.Facade.Flush();
        }
        using var reopened = StoreSink.Open(_folder.Path, name: name);
        reopened.Log("c", "three");
        reopened.Facade.Flush();

        Assert.That(Paged(reopened, new MemStreamQuery()).Messages, Is.EqualTo(new[] { "three", "two", "one" }));
        Assert.That(Paged(reopened, new MemStreamQuery { MinLevel = LogEventLevel.Error }).Messages, Is.EqualTo(new[] { "two" }));
    }

    [Test]
    public void ADamagedIndexEntryIsSkippedByASearchAndRemovedByMaintenance()
    {
        using var sink = StoreSink.Open(_folder.Path);
        sink.Log("a", "one", LogEventLevel.Error);
        sink.Facade.Flush();
        sink.Log("a", "two", LogEventLevel.Error);
        sink.Facade.Flush();
        var database = sink.Store.Database;
        var index = database.Family(new StoreFamily(86_400, 0), sink.Name).Index;
        // The second batch's entries are keyed by its first event, number 2: a directory whose items do not read, and noise.
        // Its header reads (live, written now, last event 2): only its items are damaged.
        var header = new byte[BatchDirectory.HeaderLength];
        BatchDirectory.WriteHeader(header, DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, lastSequence: 2);
        database.Database.Put(StoreKey.Key(StoreKey.DirectoryPrefix(problems: true), 2), [.. header, 9, 9, 9], index);
        database.Database.Put(StoreKey.Key(StoreKey.DirectoryPrefix(problems: false), 2), Encoding.UTF8.GetBytes("not a directory"), index);

        Assert.That(Paged(sink, new MemStreamQuery()).Messages, Is.EqualTo(new[] { "one" }));
        Assert.That(Paged(sink, new MemStreamQuery { MinLevel = LogEventLevel.Error }).Messages, Is.EqualTo(new[] { "one" }));
        Assert.That(sink.Messages("a"), Is.EqualTo(new[] { "one", "two" }), "the id's own entries are untouched");
        Assert.That(sink.Store.RunMaintenance().Corrupt, Is.EqualTo(2));
    }

    [Test]
    public void TheSearchIndexExpiresWithTheEventsItNames()
    {
        using var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1));
        sink.Log("a", "gone soon", LogEventLevel.Error);
        sink.Facade.Flush();
        Assert.That(DirectoryEntries(sink), Is.EqualTo(2), "one naming every group, one naming the problems");

        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // TTLs count whole seconds: nothing to await
        var report = sink.Store.RunMaintenance();

        Assert.That(DirectoryEntries(sink), Is.Zero, "compaction drops the expired index with its events");
        Assert.That(report.Corrupt, Is.Zero);
    }

    [Test]
    public void AQueryThatIsNotValidIsRefusedNamingWhatIsWrong()
    {
        using var sink = StoreSink.Open(_folder.Path);
        Assert.Multiple(() =>
        {
            Refused(new MemStreamQuery { Limit = 0 }, "Limit");
            Refused(new MemStreamQuery { Limit = MemStreamQuery.MaxLimit + 1 }, "Limit");
            Refused(new MemStreamQuery { ScanBudget = 0 }, "ScanBudget");
            Refused(new MemStreamQuery { Before = 0 }, "Before");
            Refused(new MemStreamQuery { After = -1 }, "After");
            Refused(new MemStreamQuery { MinLevel = (LogEventLevel)42 }, "MinLevel");
            Refused(new MemStreamQuery { From = DateTimeOffset.UtcNow, To = DateTimeOffset.UtcNow.AddHours(-1) }, "From");
            Refused(new MemStreamQuery { Text = new string('x', 10_000) }, "Text");
            Refused(new MemStreamQuery { Filter = "Elapsed >" }, "Filter");
            Refused(new MemStreamQuery { Filter = new string('(', 100) + "1" + new string(')', 100) }, "Filter");
            Refused(new MemStreamQuery { Template = new string('x', MemStreamQuery.MaxTemplateLength + 1) }, "Template");
        });

        void Refused(MemStreamQuery query, string property)
        {
            Assert.That(() => sink.Facade.Search(query), Throws.ArgumentException.With.Property("ParamName").EqualTo(property));
            Assert.That(query.IsValid(out var problem), Is.False);
            Assert.That(problem, Does.StartWith(property));
        }
    }

    static int DirectoryEntries(StoreSink sink)
    {
        var database = sink.Store.Database;
        var count = 0;
        foreach (var family in database.FamiliesOf(sink.Name))
        {
            using var iterator = database.Database.NewIterator(family.Index);
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                if (BatchDirectory.IsDirectory(iterator.GetValueSpan()))
                    count++;
            }
        }
        return count;
    }

    static List<int> Ids(StoreSink sink, MemStreamQuery query) =>
        Paged(sink, query).Events.Select(e => Convert.ToInt32(((ScalarValue)e.LogEvent.Properties["OrderId"]).Value)).ToList();

    static List<int> Minutes(StoreSink sink, MemStreamQuery query) =>
        Paged(sink, query).Events.Select(e => Convert.ToInt32(((ScalarValue)e.LogEvent.Properties["Minute"]).Value)).ToList();

    /// <summary>Every page of the search, following <c>next</c> (as Before, or as After for an id) until it is null.</summary>
    static (List<string> Messages, List<long> Sequences, List<MemStreamStoredEvent> Events) Paged(StoreSink sink, MemStreamQuery query)
    {
        var events = new List<MemStreamStoredEvent>();
        for (var pages = 0; pages < 10_000; pages++)
        {
            var page = sink.Facade.Search(query);
            events.AddRange(page.Events);
            if (page.Next is not { } next)
                return (events.Select(e => e.LogEvent.RenderMessage()).ToList(), events.Select(e => e.Sequence).ToList(), events);
            query = query.Id is null ? query with { Before = next } : query with { After = next };
        }
        Assert.Fail("paging did not end");
        return default;
    }
}
