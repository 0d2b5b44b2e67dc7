using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Pipeline;

[NonParallelizable]
public class MemStreamSinkTests
{
    [Test]
    public void NumbersEventsFromOneUpwardsInDeliveryOrder()
    {
        using var sink = TestSink.Create();
        for (var i = 0; i < 100; i++)
            sink.Logger.Information("event {Index}", i);

        var events = sink.Facade.SnapshotEvents();

        Assert.That(events.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 100).Select(i => (long)i)));
        Assert.That(events.Select(e => e.LogEvent.Properties["Index"].ToString()), Is.EqualTo(Enumerable.Range(0, 100).Select(i => i.ToString())));
    }

    // Also with the logging threads rendering every event themselves (a backlog threshold of 0).
    [TestCase(null)]
    [TestCase(0)]
    public void ASnapshotIncludesEveryEventWhoseEmitReturnedBeforeIt(int? renderOnCallerAbove)
    {
        using var sink = TestSink.Create(bufferSize: 1 << 20);
        if (renderOnCallerAbove is { } threshold)
            sink.Sink.RenderOnCallerAbove = threshold;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                sink.Logger.Information("w{Writer}-{Index}", w, i);
                if (i % 500 == 499)
                    Assert.That(sink.Facade.Snapshot(), Does.Contain($"w{w}-{i}\n"), "read your writes");
            }
        })).ToArray();
        Task.WaitAll(writers);

        var snapshot = sink.Facade.Snapshot();
        Assert.That(snapshot.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(8000));
        if (renderOnCallerAbove == 0)
            Assert.That(sink.Sink.RenderedByCaller, Is.EqualTo(8000), "every event took the caller's path");
    }

    [Test]
    public void EmitNeverThrowsWhenTheFormatterThrowsAndSelfLogSaysWhy()
    {
        using var selfLog = new SelfLogCapture();
        using var sink = TestSink.Create(new ThrowingFormatter());

        Assert.DoesNotThrow(() => sink.Logger.Information("doomed {Value}", 42));
        var kept = sink.Facade.SnapshotEvents();

        Assert.That(kept, Has.Count.EqualTo(1), "the event is kept with a fallback rendering, not lost");
        Assert.That(kept[0].Text, Does.Contain("doomed {Value}").And.Contain("could not render"));
        Assert.That(selfLog.Lines, Has.Some.Contains("the formatter failed").And.Some.Contains("formatter exploded"));
    }

    [Test]
    public void AFullQueueCountsTheOverflowAndReportsItOncePerBurst()
    {
        using var selfLog = new SelfLogCapture();
        var formatter = new GatedFormatter();
        using var sink = TestSink.Create(formatter, queueLimit: 10);

        sink.Logger.Information("blocks the worker");
        formatter.Entered.Wait(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 25; i++)
            sink.Logger.Information("burst {Index}", i); // with the one in the worker, 9 fit; 16 overflow
        formatter.Release.Set();
        sink.Facade.Flush();
        sink.Logger.Information("after the burst");
        sink.Facade.Flush();

        var status = sink.Facade.Status();
        Assert.That(status.QueueOverflowed, Is.EqualTo(16));
        Assert.That(status.LastSequence, Is.EqualTo(11), "dropped events take no sequence number");
        Assert.That(selfLog.Lines.Count(l => l.Contains("queue is full")), Is.EqualTo(1));
        Assert.That(selfLog.Lines, Has.One.Contains("16 events were dropped"));
    }

    [Test]
    public void EventsEmittedAfterDisposeAreIgnoredWithoutThrowing()
    {
        using var selfLog = new SelfLogCapture();
        var formatter = new MessageTemplateTextFormatter("{Message}");
        var sink = new MemStreamSink(new MemStreamSinkOptions(durable: false, name: Some.UniqueName()), formatter);
        sink.Dispose();

        Assert.DoesNotThrow(() => sink.Emit(Some.Event()));
        Assert.DoesNotThrow(() => sink.Emit(Some.Event()));
        Assert.That(selfLog.Lines.Count(l => l.Contains("after it was disposed")), Is.EqualTo(1));
    }

    [Test]
    public void EventsAFullQueueDropsGoToTheFallbackSinkOfAFallbackChain()
    {
        var formatter = new GatedFormatter();
        var name = Some.UniqueName();
        var fallback = new CollectingSink();
        using var logger = new LoggerConfiguration()
            .WriteTo.FallbackChain(
                primary => primary.MemStream(formatter, durable: false, name: name, queueLimit: 10),
                secondary => secondary.Sink(fallback))
            .CreateLogger();

        logger.Information("blocks the worker");
        formatter.Entered.Wait(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 25; i++)
            logger.Information("burst {Index}", i); // 9 fit in the queue; 16 overflow
        formatter.Release.Set();
        MemStream.Named(name).Flush();

        Assert.That(fallback.Events.Select(e => e.Properties["Index"].ToString()), Is.EqualTo(Enumerable.Range(9, 16).Select(i => i.ToString())));
        Assert.That(MemStream.Named(name).Status().QueueOverflowed, Is.EqualTo(16));
    }

    [Test]
    public void AnEventEmittedAfterDisposeIsReportedAsAFinalFailure()
    {
        var sink = new MemStreamSink(new MemStreamSinkOptions(durable: false, name: Some.UniqueName()), new MessageTemplateTextFormatter("{Message}"));
        var listener = new RecordingListener();
        sink.SetFailureListener(listener);
        sink.Dispose();

        var late = Some.Event();
        sink.Emit(late);

        Assert.That(listener.Failures, Has.Count.EqualTo(1));
        Assert.That(listener.Failures[0].Kind, Is.EqualTo(LoggingFailureKind.Final));
        Assert.That(listener.Failures[0].Events, Is.EqualTo(new[] { late }));
    }

    sealed class CollectingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            lock (Events)
                Events.Add(logEvent);
        }
    }

    sealed class RecordingListener : ILoggingFailureListener
    {
        public List<(LoggingFailureKind Kind, IReadOnlyCollection<LogEvent>? Events)> Failures { get; } = [];

        public void OnLoggingFailed(object sender, LoggingFailureKind kind, string message, IReadOnlyCollection<LogEvent>? events, Exception? exception) =>
            Failures.Add((kind, events));
    }

    [Test]
    public void DisposeDeliversEveryQueuedEventFirst()
    {
        var formatter = new GatedFormatter();
        var sink = TestSink.Create(formatter);
        using var subscription = sink.Facade.Events(after: 0);
        sink.Logger.Information("first");
        formatter.Entered.Wait(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 100; i++)
            sink.Logger.Information("queued {Index}", i);

        formatter.Release.Set();
        sink.Dispose();

        Assert.That(subscription.Drain(), Has.Count.EqualTo(101));
    }

    sealed class ThrowingFormatter : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            output.Write("partial output that must not survive");
            throw new InvalidOperationException("formatter exploded");
        }
    }

    /// <summary>Holds the worker inside the first event's rendering until released.</summary>
    sealed class GatedFormatter : ITextFormatter
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new();

        public void Format(LogEvent logEvent, TextWriter output)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
            output.Write(logEvent.RenderMessage());
            output.Write('\n');
        }
    }
}
