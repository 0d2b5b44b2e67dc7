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
        using var sink = TestSink.Create(bufferSize: 1 << 24, queueLimit: 1 << 17);
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
    public void AnOutputTemplateWithACustomFormatProviderRendersOnTheWorkerOnly()
    {
        var provider = new ThreadRecordingProvider();
        var name = Some.UniqueName();
        using var logger = new LoggerConfiguration()
            .WriteTo.MemStream("{Message}{NewLine}", formatProvider: provider, durable: false, name: name)
            .CreateLogger();
        SinkRegistry.Resolve(name)!.RenderOnCallerAbove = 0;

        Parallel.For(0, 4, w => logger.Information("w{Writer} at {Time}", w, new DateTime(2026, 11, 28)));
        MemStream.Named(name).Snapshot();

        Assert.That(SinkRegistry.Resolve(name)!.RenderedByCaller, Is.Zero);
        Assert.That(provider.Threads.Keys, Is.EqualTo(new[] { $"MemStream worker ({name})" }));
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

    [Test]
    public void AnEventTheFullQueueDropsIsNotRenderedFirst()
    {
        var (logger, sink, facade) = SinkRenderingValuesLate(queueLimit: 16);
        using var _ = logger;
        sink.RenderOnCallerAbove = 4;
        using var release = new ManualResetEventSlim();
        var counted = new CountingValue();

        logger.Information("blocks the worker {Value}", new BlockingValue(release));
        for (var i = 0; i < 30; i++)
            logger.Information("counted {Value}", counted);
        release.Set();
        facade.Snapshot();

        Assert.That(facade.Status().QueueOverflowed, Is.EqualTo(15), "events 17 to 31 found the queue full");
        // Its ToString runs twice per accepted event: once to check that it does not throw (FailingValueMarker), once to render.
        Assert.That(counted.Renderings, Is.EqualTo(2 * 15), "each accepted event checked and rendered once, no dropped one rendered");
        Assert.That(sink.RenderedByCaller, Is.EqualTo(12), "events 5 to 16 found a backlog of 4 or more");
    }

    [Test]
    public async Task AnEventLoggedWhileRenderingIsLeftToTheWorker()
    {
        var (logger, sink, facade) = SinkRenderingValuesLate();
        using var _ = logger;
        sink.RenderOnCallerAbove = 0;
        var reentrant = new LoggingValue(logger, times: 200);
        using var subscription = facade.Events();

        logger.Information("outer {Value}", reentrant);
        // The nested events are logged by the worker's renderings, one after another: wait for all of them.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = 0;
        while (received < 201)
        {
            await subscription.Reader.ReadAsync(patience.Token);
            received++;
        }

        Assert.That(facade.SnapshotEvents(), Has.Count.EqualTo(201), "the outer event and the 200 its renderings logged");
        Assert.That(sink.RenderedByCaller, Is.EqualTo(1), "only the outer event rendered on the logging thread; nested ones queued for the worker");
    }

    /// <summary>
    /// A sink whose events keep these test values as objects (<c>Destructure.AsScalar</c>), so that their
    /// <c>ToString</c> runs when the event is rendered; by default Serilog calls it when it captures the event.
    /// </summary>
    static (Serilog.Core.Logger Logger, MemStreamSink Sink, MemStreamInstance Facade) SinkRenderingValuesLate(int queueLimit = 65536)
    {
        var name = Some.UniqueName();
        var logger = new LoggerConfiguration()
            .Destructure.AsScalar<BlockingValue>()
            .Destructure.AsScalar<CountingValue>()
            .Destructure.AsScalar<LoggingValue>()
            .WriteTo.MemStream(TestSink.MessageOnly, durable: false, name: name, queueLimit: queueLimit)
            .CreateLogger();
        return (logger, SinkRegistry.Resolve(name)!, MemStream.Named(name));
    }

    /// <summary>A property value whose rendering waits until released: it holds the worker.</summary>
    sealed class BlockingValue(ManualResetEventSlim release)
    {
        public override string ToString()
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return "released";
        }
    }

    sealed class CountingValue
    {
        int _renderings;

        public int Renderings => Volatile.Read(ref _renderings);

        public override string ToString() => $"rendering {Interlocked.Increment(ref _renderings)}";
    }

    /// <summary>A property value whose rendering logs another event carrying itself, a bounded number of times.</summary>
    sealed class LoggingValue(ILogger logger, int times)
    {
        int _left = times;

        public override string ToString()
        {
            if (Interlocked.Decrement(ref _left) >= 0)
                logger.Information("nested {Value}", this);
            return "logging value";
        }
    }

    /// <summary>A format provider with a custom formatter (user code) that records where it ran.</summary>
    sealed class ThreadRecordingProvider : IFormatProvider, ICustomFormatter
    {
        public ConcurrentDictionary<string, int> Threads { get; } = new();

        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider)
        {
            Threads.AddOrUpdate(Thread.CurrentThread.Name ?? "(unnamed)", 1, (_, n) => n + 1);
            return arg is IFormattable formattable ? formattable.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : arg?.ToString() ?? "";
        }
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
