using System.Diagnostics;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;
using Serilog.Sinks.MemStream.Tests.Tool;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>Events found by their W3C trace id: logged inside real <see cref="Activity"/> objects, as ASP.NET Core requests are.</summary>
[NonParallelizable]
public class TraceIdStoreTests
{
    static readonly ActivitySource Source = new("MemStream.Tests.Traces");
    static readonly ActivityListener Listener = new()
    {
        ShouldListenTo = source => source == Source,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };
    TempFolder _folder = null!;

    [OneTimeSetUp]
    public static void Listen() => ActivitySource.AddActivityListener(Listener);

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>Runs <paramref name="log"/> inside a new trace (a root activity) and returns its id.</summary>
    static ActivityTraceId InTrace(Action log)
    {
        using var activity = Source.StartActivity("request", ActivityKind.Server, parentContext: default)
            ?? throw new InvalidOperationException("the test's activity listener is not listening");
        log();
        return activity.TraceId;
    }

    [Test]
    public void ATraceIdFindsItsEventsWithAndWithoutACorrelationIdEachOnceInWriteOrder()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var trace = InTrace(() =>
        {
            sink.Logger.Information("request started");
            sink.Log("order-7", "order placed");
            sink.Logger.Warning("slow response");
        });
        var other = InTrace(() => sink.Logger.Information("another request"));
        sink.Log("order-7", "outside any trace");
        sink.Facade.Flush();

        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "request started", "order placed", "slow response" }));
        Assert.That(sink.Messages(trace.ToHexString().ToUpperInvariant()), Is.EqualTo(new[] { "request started", "order placed", "slow response" }), "any case");
        Assert.That(sink.Messages($"00-{trace.ToHexString()}-b7ad6b7169203331-01"), Is.Empty, "a traceparent is a correlation id to Query; the traceId parameters read it");
        Assert.That(sink.Messages("order-7"), Is.EqualTo(new[] { "order placed", "outside any trace" }), "the correlation id still finds its events, traced or not");
        Assert.That(sink.Messages(other.ToHexString()), Is.EqualTo(new[] { "another request" }));
        Assert.That(sink.Facade.CorrelationIds(), Is.EqualTo(new[] { "order-7" }), "trace ids are not correlation ids");
        Assert.That(sink.Facade.Status().EventsStored, Is.EqualTo(5), "each event stored once");
        var found = sink.Facade.QueryPage(trace.ToHexString());
        Assert.That(found.Select(e => e.LogEvent.TraceId), Is.All.EqualTo(trace));
        Assert.That(found.Select(e => e.Sequence), Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void AnEventWhoseCorrelationIdIsItsOwnTraceIdComesBackOnce()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var trace = InTrace(() =>
        {
            var id = Activity.Current!.TraceId.ToHexString();
            sink.Log(id, "one");
            sink.Log(id, "two");
        });
        sink.Facade.Flush();

        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public void TraceQueriesFilterByLevelAndPageAcrossBothKindsOfEntry()
    {
        using var sink = StoreSink.Open(_folder.Path, retentionByLevel: new() { [LogEventLevel.Error] = TimeSpan.FromDays(7) });
        var trace = InTrace(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                var level = i % 3 == 0 ? LogEventLevel.Error : LogEventLevel.Information;
                if (i % 2 == 0)
                    sink.Log("c-" + i, $"event {i}", level);
                else
                    sink.Logger.Write(level, "event {Number}", i);
            }
        });
        sink.Facade.Flush();
        var id = trace.ToHexString();

        Assert.That(sink.Messages(id, LogEventLevel.Error), Is.EqualTo(new[] { "event 0", "event 3", "event 6", "event 9" }), "errors live in a family of their own");
        var first = sink.Facade.QueryPage(id, LogEventLevel.Verbose, after: 0, limit: 4);
        var second = sink.Facade.QueryPage(id, LogEventLevel.Verbose, after: first[^1].Sequence, limit: 4);
        var third = sink.Facade.QueryPage(id, LogEventLevel.Verbose, after: second[^1].Sequence, limit: 4);
        Assert.That(first.Concat(second).Concat(third).Select(e => e.LogEvent.RenderMessage()),
            Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"event {i}")));
        Assert.That(third, Has.Count.EqualTo(2));
    }

    [Test]
    public void ATraceSpreadOverManyWriteBatchesAndInterleavedWithOthersPagesInOrder()
    {
        using var sink = StoreSink.Open(_folder.Path);
        // Two traces under way at once, as two concurrent requests; Current says which one logs.
        using var first = Source.StartActivity("first", ActivityKind.Server, parentContext: default)!;
        Activity.Current = null;
        using var second = Source.StartActivity("second", ActivityKind.Server, parentContext: default)!;
        Activity.Current = null;
        Assert.That(second.TraceId, Is.Not.EqualTo(first.TraceId));
        for (var i = 0; i < 40; i++)
        {
            Activity.Current = first;
            if (i % 3 == 0)
                sink.Logger.Information("first {Index}", i);
            else
                sink.Log("c-" + i, $"first {i}");
            Activity.Current = second;
            sink.Logger.Information("second {Index}", i);
            Activity.Current = null;
            if (i % 7 == 6)
                sink.Facade.Flush(); // the writer takes what is queued: a new batch
        }
        sink.Facade.Flush();

        var pages = new List<MemStreamStoredEvent>();
        for (long after = 0; sink.Facade.QueryPage(first.TraceId.ToHexString(), LogEventLevel.Verbose, after, limit: 3) is { Count: > 0 } page; after = page[^1].Sequence)
            pages.AddRange(page);

        Assert.That(pages.Select(e => e.LogEvent.RenderMessage()), Is.EqualTo(Enumerable.Range(0, 40).Select(i => $"first {i}")));
        Assert.That(pages.Select(e => e.Sequence), Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void TraceIndexedEventsSurviveARestart()
    {
        var name = Some.UniqueName();
        ActivityTraceId trace;
        using (var first = StoreSink.Open(_folder.Path, name: name))
            trace = InTrace(() =>
            {
                first.Logger.Information("before the restart");
                first.Log("c", "with a correlation id too");
            });

        using var second = StoreSink.Open(_folder.Path, name: name);
        Assert.That(second.Messages(trace.ToHexString()), Is.EqualTo(new[] { "before the restart", "with a correlation id too" }));
    }

    [Test]
    public void TraceIndexedEventsExpireAndMaintenanceKeepsTheLiveOnes()
    {
        using var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1),
            retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromHours(1) });
        var trace = InTrace(() =>
        {
            sink.Logger.Information("expires, trace only");
            sink.Log("c", "expires, with a correlation id");
            sink.Logger.Warning("stays, trace only");
            sink.Log("c", "stays, with a correlation id", LogEventLevel.Warning);
        });
        sink.Facade.Flush();
        Assert.That(sink.Messages(trace.ToHexString()), Has.Count.EqualTo(4));

        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // TTLs count whole seconds: nothing to await

        var stays = new[] { "stays, trace only", "stays, with a correlation id" };
        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(stays), "before compaction");
        var report = sink.Store.RunMaintenance();
        Assert.That(report.Expired, Is.EqualTo(2), "events, not their trace references");
        Assert.That(report.Corrupt, Is.Zero, "a trace reference is not damage");
        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(stays), "after compaction");
        Assert.That(sink.Messages("c"), Is.EqualTo(new[] { "stays, with a correlation id" }));
    }

    [Test]
    public void AReferenceWhoseEventIsGoneIsSkippedAndADamagedOneIsRemoved()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var trace = InTrace(() =>
        {
            // Large enough that its group goes to the log, where the trace's reference names it by its sequence number.
            sink.Log("c", "deleted behind the reference's back " + new string('x', 600));
            // Another write batch, so another group under another id, that a reference of its own names.
            sink.Facade.Flush();
            sink.Log("d", "still here");
        });
        sink.Facade.Flush();
        var database = sink.Store.Database;
        var family = database.Family(new(86_400, 0), sink.Name);
        var first = sink.Facade.QueryPage("c")[0].Sequence;
        database.Database.Remove(StoreKey.LogKey(first), family.Log);
        database.Database.Put(StoreKey.Key(StoreKey.TracePrefix(trace), first + 100), new byte[] { 2, 2, 0, 0 }, family.Index);

        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "still here" }));
        var report = sink.Store.RunMaintenance();
        Assert.That(report.Corrupt, Is.EqualTo(1), "the truncated reference");
        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    public void WithIndexTraceIdOffOnlyCorrelationIdsAreStoredAndFound()
    {
        var name = Some.UniqueName();
        using var logger = new LoggerConfiguration()
            .WriteTo.MemStream(outputTemplate: "{Message}", storePath: _folder.Path, name: name, indexTraceId: false)
            .CreateLogger();
        var facade = MemStream.Named(name);
        var trace = InTrace(() =>
        {
            logger.Information("trace only");
            logger.ForContext("CorrelationId", "c").Information("with a correlation id");
        });
        facade.Flush();

        Assert.That(facade.Query(trace.ToHexString()), Is.Empty);
        Assert.That(facade.Query("c").Select(e => e.RenderMessage()), Is.EqualTo(new[] { "with a correlation id" }));
        Assert.That(facade.Status().EventsStored, Is.EqualTo(1));
    }

    [Test]
    public void TextThatIsNotATraceIdOnlyMatchesCorrelationIds()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var trace = InTrace(() => sink.Logger.Information("traced"));
        var hex = trace.ToHexString();
        // Apps that use Activity.Id as their correlation id: each request's id names the trace, yet is its own id.
        var ids = new[] { new string('0', 32), "not hex at all", hex[..31], hex + "0", $"00-{hex}-b7ad6b7169203331-01", $"00-{hex}-c8be7c8270314442-01", "" };
        foreach (var id in ids)
            sink.Log(id, "tagged " + id);
        sink.Facade.Flush();

        foreach (var id in ids)
            Assert.That(sink.Messages(id), Is.EqualTo(new[] { "tagged " + id }), id);
        Assert.That(sink.Messages(hex), Is.EqualTo(new[] { "traced" }));
    }

    [Test]
    public void PagesAfterTheLargestSequenceAKeyHoldsAreEmpty()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var trace = InTrace(() => sink.Log("c", "one"));
        sink.Facade.Flush();

        foreach (var after in new[] { StoreKey.MaxSequence, long.MaxValue - 1, long.MaxValue })
        {
            Assert.That(sink.Facade.QueryPage("c", after: after), Is.Empty, $"after {after}");
            Assert.That(sink.Facade.QueryPage(trace.ToHexString(), after: after), Is.Empty, $"after {after}, by trace");
        }
        Assert.That(sink.Facade.QueryPage("c", after: 0), Has.Count.EqualTo(1));
    }

    [Test]
    public void DamagedReferencesAreSkippedAndRemovedAndNeverLeadToAnotherTracesEvents()
    {
        using var sink = StoreSink.Open(_folder.Path);
        var trace = InTrace(() => sink.Log("c", "mine"));
        var other = InTrace(() => sink.Log("d", "another trace's"));
        sink.Facade.Flush();
        var database = sink.Store.Database.Database;
        var family = sink.Store.Database.Family(new(86_400, 0), sink.Name).Index;
        var strangerSequence = sink.Facade.QueryPage("d")[0].Sequence;
        var stranger = StoreKey.Key(StoreKey.Prefix("d"), strangerSequence);
        byte[] Entry(params byte[][] items) => [2, 0, .. BitConverter.GetBytes(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds()), .. items.SelectMany(i => i)];
        byte[] Item(byte level, byte[] key) => [level, (byte)key.Length, (byte)(key.Length >> 8), .. key];
        var prefix = StoreKey.TracePrefix(trace);
        database.Put(StoreKey.Key(prefix, 9_000), Entry(Item(9, stranger)), family);                       // a level that is none
        database.Put(StoreKey.Key(prefix, 9_001), Entry([2, 0xFF, 0x7F, .. stranger]), family);            // a key longer than the value
        database.Put(StoreKey.Key(prefix, 9_002), Entry(Item(2, stranger)), family);                       // well formed, but another trace's event
        database.Put(StoreKey.Key(StoreKey.Prefix("c"), 9_003), Entry(Item(2, stranger)), family);         // a reference where an event belongs
        byte[] GroupEntry(params byte[] items) => [5, 0, .. BitConverter.GetBytes(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds()), .. items];
        database.Put(StoreKey.Key(prefix, 9_004), GroupEntry([2, (byte)strangerSequence, (byte)stranger.Length, .. stranger]), family); // format 2: well formed, but another trace's group

        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "mine" }));
        Assert.That(sink.Messages("c"), Is.EqualTo(new[] { "mine" }));
        Assert.That(sink.Messages(other.ToHexString()), Is.EqualTo(new[] { "another trace's" }));
        var report = sink.Store.RunMaintenance();
        Assert.That(report.Corrupt, Is.EqualTo(2), "the two that do not read");
        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "mine" }));
    }

    [Test]
    public async Task TheToolFindsATraceIdAndListsOnlyCorrelationIds()
    {
        string name;
        ActivityTraceId trace;
        using (var sink = StoreSink.Open(_folder.Path))
        {
            name = sink.Name;
            trace = InTrace(() =>
            {
                sink.Logger.Information("trace only");
                sink.Log("order-9", "with a correlation id");
            });
        }

        var query = await ToolRun.RunAsync("query", "--store", _folder.Path, "--sink", name, trace.ToHexString().ToUpperInvariant());
        var ids = await ToolRun.RunAsync("ids", "--store", _folder.Path, "--sink", name);
        var stats = await ToolRun.RunAsync("stats", "--store", _folder.Path, "--sink", name);

        Assert.That(query.ExitCode, Is.Zero, query.Error);
        Assert.That(query.Printed, Does.Contain("trace only").And.Contain("with a correlation id"));
        Assert.That(query.Printed.IndexOf("trace only", StringComparison.Ordinal), Is.LessThan(query.Printed.IndexOf("with a correlation id", StringComparison.Ordinal)));
        Assert.That(ids.Printed, Does.Contain("order-9").And.Contain("1 correlation ids"));
        Assert.That(ids.Printed, Does.Not.Contain(trace.ToHexString()));
        Assert.That(stats.ExitCode, Is.Zero, stats.Error);
        Assert.That(stats.Printed, Does.Contain("Index entries"));
        var row = stats.Printed.Split('\n').Single(line => line.Contains("ttl-86400s", StringComparison.Ordinal)).Split('│').Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        Assert.That(row[^5..^2], Is.EqualTo(new[] { "2", "0", "0" }), "live events (one under its correlation id, one under its trace), expired, undecodable");
        var (index, entries) = (int.Parse(row[^2]), int.Parse(row[^1]));
        Assert.That(index, Is.InRange(1, 2), "the trace's references, one entry per write batch its two events went in");
        Assert.That(entries, Is.EqualTo(index + 2), "and two groups: the correlation id's, small, in the index, and the trace's own in the log");
    }
}
