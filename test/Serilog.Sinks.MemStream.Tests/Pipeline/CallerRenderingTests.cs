using System.Collections.Concurrent;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Pipeline;

/// <summary>
/// When the sink's worker lags, the threads that log render their own events. These tests force that
/// path (the backlog threshold set to 0) and check what must not change: one sequence number per event
/// in delivery order, each event with its own rendering, and formatters that are not known to be
/// thread-safe rendering on the worker only. Read-your-writes on this path: MemStreamSinkTests.
/// </summary>
[NonParallelizable]
public class CallerRenderingTests
{
    [Test]
    public void EventsRenderedByTheLoggingThreadsKeepTheirOwnRenderingAndTheirOrder()
    {
        using var sink = TestSink.Create(bufferSize: 1 << 24);
        sink.Sink.RenderOnCallerAbove = 0;
        using var subscription = sink.Facade.Events();
        const int writers = 4, perWriter = 20_000;

        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (var i = 0; i < perWriter; i++)
                sink.Logger.Information("w{Writer}-{Index}", w, i);
        });
        var events = sink.Facade.SnapshotEvents();

        Assert.That(sink.Sink.RenderedByCaller, Is.EqualTo(writers * perWriter), "every event took the caller's path");
        Assert.That(events, Has.Count.EqualTo(writers * perWriter));
        Assert.That(events.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, writers * perWriter).Select(i => (long)i)));
        var mismatched = events.Where(e => e.Text != $"w{e.LogEvent.Properties["Writer"]}-{e.LogEvent.Properties["Index"]}\n").Take(3).ToList();
        Assert.That(mismatched, Is.Empty, "each event carries its own rendering");
        foreach (var writer in events.GroupBy(e => e.LogEvent.Properties["Writer"].ToString()))
            Assert.That(writer.Select(e => (int)((ScalarValue)e.LogEvent.Properties["Index"]).Value!), Is.Ordered, "a thread's events keep its order");

        var delivered = new List<long>();
        while (delivered.Count < writers * perWriter && subscription.Reader.TryRead(out var next))
            delivered.Add(next.Sequence);
        Assert.That(delivered, Is.Ordered.And.Unique, "the subscriber sees the same order (it may drop its oldest when full)");
    }

    [Test]
    public void AFormatterOfUnknownThreadSafetyRendersOnTheWorkerOnly()
    {
        var formatter = new ThreadRecordingFormatter();
        using var sink = TestSink.Create(formatter);
        sink.Sink.RenderOnCallerAbove = 0;

        Parallel.For(0, 4, w =>
        {
            for (var i = 0; i < 1000; i++)
                sink.Logger.Information("w{Writer}-{Index}", w, i);
        });
        sink.Facade.Snapshot();

        Assert.That(sink.Sink.RenderedByCaller, Is.Zero);
        Assert.That(formatter.Threads.Keys, Is.EqualTo(new[] { $"MemStream worker ({sink.Name})" }));
    }

    [Test]
    public void SerilogsFormattersMayRenderOnTheLoggingThreads()
    {
        using var clef = TestSink.Create(new CompactJsonFormatter());
        clef.Sink.RenderOnCallerAbove = 0;
        clef.Logger.Information("one {Value}", 1);

        Assert.That(clef.Sink.RenderedByCaller, Is.EqualTo(1));
        Assert.That(clef.Facade.Snapshot(), Does.Contain("\"Value\":1"));
    }

    [Test]
    public void WhileTheWorkerKeepsUpItRendersAlone()
    {
        using var sink = TestSink.Create();
        for (var i = 0; i < 100; i++)
        {
            sink.Logger.Information("event {Index}", i);
            sink.Facade.Snapshot(); // the worker is idle again before the next event
        }

        Assert.That(sink.Sink.RenderedByCaller, Is.Zero);
    }

    sealed class ThreadRecordingFormatter : ITextFormatter
    {
        public ConcurrentDictionary<string, int> Threads { get; } = new();

        public void Format(LogEvent logEvent, TextWriter output)
        {
            Threads.AddOrUpdate(Thread.CurrentThread.Name ?? "(unnamed)", 1, (_, n) => n + 1);
            output.Write(logEvent.MessageTemplate.Render(logEvent.Properties));
        }
    }
}
