using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Seam;

public class FedSubscriptionTests
{
    static MemStreamEvent Event(long sequence, LogEventLevel level = LogEventLevel.Information) =>
        new(sequence, Some.Text($"event {sequence}", level), System.Text.Encoding.UTF8.GetBytes($"event {sequence}\n"));

    [Test]
    public void ASubscriptionFedByItsCreatorKeepsItsLevelDropsItsOldestAndSaysWhenItIsDisposed()
    {
        var disposed = 0;
        var subscription = new MemStreamSubscription(capacity: 2, LogEventLevel.Information, _ => disposed++);

        subscription.Offer(Event(1, LogEventLevel.Debug));
        subscription.Offer(Event(2));
        subscription.Offer(Event(3));
        subscription.Offer(Event(4));

        var read = new List<long>();
        while (subscription.Reader.TryRead(out var next))
            read.Add(next.Sequence);
        Assert.That(read, Is.EqualTo(new[] { 3L, 4L }), "below the level left out, the oldest dropped");
        Assert.That(subscription.Dropped, Is.EqualTo(1));

        subscription.Dispose();
        subscription.Dispose();
        Assert.That(() => subscription.Offer(Event(5)), Throws.Nothing, "offering after the reader left is harmless");
        Assert.That(disposed, Is.EqualTo(1), "told once");
        Assert.That(subscription.Reader.Completion.IsCompleted, Is.True);
    }

    [Test]
    public async Task ASinksOwnSubscriptionIsFedByTheSinkAlone()
    {
        using var sink = TestSink.Create();
        using var subscription = sink.Facade.Events();

        Assert.That(() => subscription.Offer(Event(99)), Throws.InvalidOperationException.With.Message.Contains("fed by the sink alone"));
        sink.Logger.Information("from the sink");
        Assert.That((await subscription.ReadAsync(1)).Single().Text, Is.EqualTo("from the sink\n"), "nothing injected before the sink's event");
    }

    [Test]
    public void ACapacityBelowOneIsRefusedByName() =>
        Assert.That(() => new MemStreamSubscription(0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("capacity"));

    [Test]
    public void AnInstanceReadsAnEventsCorrelationIdByItsSinksProperty()
    {
        using var sink = TestSink.Create();
        var instance = sink.Facade;
        var withId = Some.Event("paid", properties: [(instance.CorrelationIdProperty, 42)]);

        Assert.That(instance.CorrelationIdOf(withId), Is.EqualTo("42"));
        Assert.That(instance.CorrelationIdOf(Some.Event("no id")), Is.Null);
        sink.Logger.Information("one");
        sink.Logger.Information("two");
        Assert.That(instance.LastSequence, Is.EqualTo(2));
    }
}
