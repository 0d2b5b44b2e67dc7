using System.Diagnostics;
using System.Text;
using CsCheck;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>
/// The store's groups (format 2) as queries see them: whatever the mix of ids, traces, levels, families and write
/// batches, paging through an id at any page size gives exactly its events in write order; and stores of format 1
/// keep answering beside new groups.
/// </summary>
[NonParallelizable]
public class GroupedStoreTests
{
    static readonly string[] CorrelationIds = ["a", "b"];
    TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>One generated event: its correlation id (or none), trace (or none), level, whether a write batch ends after it, and whether it is large (so its group goes to the log rather than staying in the index).</summary>
    public readonly record struct Logged(int CorrelationId, int Trace, LogEventLevel Level, bool FlushAfter, bool Large);

    [Test]
    public void PagingThroughAnyIdGivesExactlyItsEventsInWriteOrder()
    {
        var logged = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[2, 4], Gen.Int[0, 9], Gen.Bool)
            .Select((id, trace, level, flush, large) => new Logged(id, trace, (LogEventLevel)level, flush == 0, large))
            .Array[1, 40];
        logged.Sample(events =>
        {
            // Warnings and above live in a family of their own, so an id's groups are split across two.
            using var sink = StoreSink.Open(_folder.Path, retentionByLevel: new() { [LogEventLevel.Warning] = TimeSpan.FromHours(2) });
            var traces = new[] { NewTrace(), NewTrace() };
            var expected = Log(sink, events, traces);
            sink.Facade.Flush();

            var ids = CorrelationIds.Concat(traces.Select(t => t.TraceId.ToHexString())).ToArray();
            foreach (var (id, index) in ids.Select((id, index) => (id, index)))
            {
                foreach (var minLevel in new[] { LogEventLevel.Verbose, LogEventLevel.Warning })
                {
                    var want = expected.Where(e => (index < 2 ? e.CorrelationId == index : e.Trace == index - 2) && e.Level >= minLevel).Select(e => e.Message).ToList();
                    foreach (var (limit, maxBytes) in new[] { (1, long.MaxValue), (2, long.MaxValue), (3, long.MaxValue), (1000, long.MaxValue), (1000, 1L) })
                        Assert.That(Paged(sink, id, minLevel, limit, maxBytes), Is.EqualTo(want), $"{id} at {minLevel}, {limit} events or {maxBytes} bytes a page");
                }
            }
            foreach (var trace in traces)
                trace.Stop();
        }, iter: 25, threads: 1);
    }

    [Test]
    public void AStoreOfFormatOneKeepsAnsweringBesideNewGroupsAndAfterARestart()
    {
        var name = Some.UniqueName();
        var trace = NewTrace();
        using (var sink = StoreSink.Open(_folder.Path, name: name))
        {
            // Three events of another id take the sequence numbers the old entries below use.
            for (var i = 0; i < 3; i++)
                sink.Log("pad", "padding");
            sink.Facade.Flush();
            WriteFormatOneEntries(sink, trace.TraceId);

            Activity.Current = trace;
            sink.Log("old", "new, in the trace");
            sink.Log("old", "new, in the trace too", LogEventLevel.Warning);
            Activity.Current = null;
            sink.Facade.Flush();

            AssertBothFormatsAnswer(sink, trace.TraceId);
        }
        using (var reopened = StoreSink.Open(_folder.Path, name: name))
        {
            AssertBothFormatsAnswer(reopened, trace.TraceId);
            var report = reopened.Store.RunMaintenance();
            Assert.That(report.Corrupt, Is.Zero, "entries of format 1 are not damage");
            AssertBothFormatsAnswer(reopened, trace.TraceId);
        }
        trace.Stop();
    }

    static void AssertBothFormatsAnswer(StoreSink sink, ActivityTraceId trace)
    {
        Assert.That(sink.Messages("old"), Is.EqualTo(new[] { "v1, in the trace", "v1, no trace", "new, in the trace", "new, in the trace too" }));
        Assert.That(sink.Messages(trace.ToHexString()), Is.EqualTo(new[] { "v1, in the trace", "v1, trace only", "new, in the trace", "new, in the trace too" }));
        Assert.That(sink.Messages("old", LogEventLevel.Warning), Is.EqualTo(new[] { "new, in the trace too" }));
        Assert.That(sink.Facade.CorrelationIds(), Does.Contain("old"));
    }

    /// <summary>
    /// Entries as format 1 wrote them: one event per key (sequence numbers 1 to 3: "old" in the trace, an event with
    /// only the trace under <c>\xFEevent:</c>, "old" without a trace), and the trace's references to the first two, keyed by the last.
    /// </summary>
    static void WriteFormatOneEntries(StoreSink sink, ActivityTraceId trace)
    {
        var database = sink.Store.Database;
        var family = database.Family(new StoreFamily(86_400, 0), sink.Name).Index;
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        var firstKey = StoreKey.Key(StoreKey.Prefix("old"), 1);
        var uncorrelatedKey = Encoding.UTF8.GetBytes("?event:0000000002");
        uncorrelatedKey[0] = 0xFE;
        database.Database.Put(firstKey, StoredEventCodec.Encode(InTrace("v1, in the trace", trace), expires), family);
        database.Database.Put(uncorrelatedKey, StoredEventCodec.Encode(InTrace("v1, trace only", trace), expires), family);
        database.Database.Put(StoreKey.Key(StoreKey.Prefix("old"), 3), StoredEventCodec.Encode(Some.Event("v1, no trace"), expires), family);

        var references = new byte[64];
        var at = StoredReference.WriteHeader(references, expires.ToUnixTimeMilliseconds());
        at += StoredReference.WriteItem(references.AsSpan(at), LogEventLevel.Information, firstKey);
        at += StoredReference.WriteItem(references.AsSpan(at), LogEventLevel.Information, uncorrelatedKey);
        database.Database.Put(StoreKey.Key(StoreKey.TracePrefix(trace), 2), references[..at], family);
    }

    /// <summary>Logs the events, each with a message of its own; returns what the store should hold of them, in order.</summary>
    static List<(int CorrelationId, int Trace, LogEventLevel Level, string Message)> Log(StoreSink sink, Logged[] events, Activity[] traces)
    {
        var stored = new List<(int, int, LogEventLevel, string)>();
        for (var i = 0; i < events.Length; i++)
        {
            var (id, trace, level, flushAfter, large) = events[i];
            Activity.Current = trace < 2 ? traces[trace] : null;
            var message = large ? $"event {i} {new string('x', 600)}" : $"event {i}";
            var logger = id < 2 ? sink.Logger.ForContext("CorrelationId", CorrelationIds[id]) : sink.Logger;
            logger.Write(level, message);
            Activity.Current = null;
            if (id < 2 || trace < 2)
                stored.Add((id, trace, level, message));
            if (flushAfter)
                sink.Facade.Flush();
        }
        return stored;
    }

    static List<string> Paged(StoreSink sink, string id, LogEventLevel minLevel, int limit, long maxBytes)
    {
        var messages = new List<string>();
        var after = 0L;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = sink.Facade.Search(new MemStreamQuery { Id = id, MinLevel = minLevel, After = after, Limit = limit, PageBytes = maxBytes });
            messages.AddRange(page.Events.Select(e => e.LogEvent.RenderMessage()));
            Assert.That(page.Events.Select(e => e.Sequence), Is.Ordered.And.All.GreaterThan(after), "a page goes on after the last");
            if (page.Next is not { } next)
                return messages;
            if (page.Events.Count > 0 && next == page.Events[^1].Sequence)
                after = next;
            else
                break;
        }
        Assert.Fail($"paging {id} did not end; it gave {string.Join(", ", messages)}");
        return messages;
    }

    static LogEvent InTrace(string message, ActivityTraceId trace) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new Serilog.Parsing.MessageTemplateParser().Parse(message), [], trace, ActivitySpanId.CreateRandom());

    static Activity NewTrace()
    {
        var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        Activity.Current = null;
        return activity;
    }
}
