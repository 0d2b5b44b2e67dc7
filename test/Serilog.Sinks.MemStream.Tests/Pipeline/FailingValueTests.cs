using System.Text.Json;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Pipeline;

/// <summary>
/// A property value whose <c>ToString</c> throws (a type kept with <c>Destructure.AsScalar</c>, say) must not
/// cost its event: the event is buffered, tailed and stored with a marker in the value's place, counted once,
/// and the events around it are untouched. Every kind of value, on the worker's path and the caller's.
/// </summary>
[NonParallelizable]
public class FailingValueTests
{
    const string Marker = "<ToString() threw InvalidOperationException>";
    static readonly MessageTemplateParser Parser = new();

    /// <summary>A value that cannot be shown: its ToString throws, as a broken or half-initialized object's may.</summary>
    sealed class Bomb
    {
        public override string ToString() => throw new InvalidOperationException("not today");
    }

    public static IEnumerable<TestCaseData> FailingValues()
    {
        yield return new TestCaseData(new ScalarValue(new Bomb())).SetName("{m}(scalar)");
        yield return new TestCaseData(new StructureValue([new LogEventProperty("Id", new ScalarValue(7)), new LogEventProperty("Inner", new ScalarValue(new Bomb()))], "Order"))
            .SetName("{m}(inside a structure)");
        yield return new TestCaseData(new SequenceValue([new ScalarValue(1), new ScalarValue(new Bomb())])).SetName("{m}(in a sequence)");
        yield return new TestCaseData(new DictionaryValue([new(new ScalarValue(new Bomb()), new ScalarValue(1))])).SetName("{m}(a dictionary key)");
        yield return new TestCaseData(new DictionaryValue([new(new ScalarValue("k"), new ScalarValue(new Bomb()))])).SetName("{m}(a dictionary value)");
    }

    [TestCaseSource(nameof(FailingValues))]
    public void TheEventIsBufferedTailedAndStoredWithAMarkerAndTheNextIsUntouched(LogEventPropertyValue failing) =>
        AssertKeptBetweenTwoNormalEvents(failing, onTheCallersThread: false);

    [TestCaseSource(nameof(FailingValues))]
    public void RenderedOnTheLoggingThreadTheEventIsKeptTheSameWay(LogEventPropertyValue failing) =>
        AssertKeptBetweenTwoNormalEvents(failing, onTheCallersThread: true);

    [Test]
    public void AValueKeptAsScalarThroughSerilogsOwnCaptureIsKept()
    {
        using var folder = new TempFolder();
        var name = Some.UniqueName();
        using var logger = new LoggerConfiguration()
            .Destructure.AsScalar<Bomb>()
            .WriteTo.MemStream(new CompactJsonFormatter(), storePath: folder.Path, name: name)
            .CreateLogger();
        var orders = logger.ForContext("CorrelationId", "order-1");

        orders.Information("before");
        orders.Information("Order {Value} placed", new Bomb());
        orders.Information("after {Count}", 2);
        MemStream.Named(name).Flush();

        var stored = MemStream.Named(name).Query("order-1");
        Assert.That(stored.Select(e => e.MessageTemplate.Text), Is.EqualTo(new[] { "before", "Order {Value} placed", "after {Count}" }));
        Assert.That(stored[1].RenderMessage(), Is.EqualTo($"Order \"{Marker}\" placed"));
        var lines = MemStream.Named(name).Snapshot().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("@mt").GetString()),
            Is.EqualTo(new[] { "before", "Order {Value} placed", "after {Count}" }), "each line valid CLEF of its own event");
        Assert.That(lines[1], Does.Contain(Marker));
        Assert.That(MemStream.Named(name).Status().RenderFailures, Is.EqualTo(1));
    }

    [Test]
    public void AnExceptionWhoseToStringThrowsIsStoredWithItsTypeAndAMarker()
    {
        using var folder = new TempFolder();
        var name = Some.UniqueName();
        using var logger = new LoggerConfiguration()
            .WriteTo.MemStream("{Message:lj}{NewLine}", storePath: folder.Path, name: name)
            .CreateLogger();

        logger.ForContext("CorrelationId", "order-1").Error(new UnprintableException(), "failed");
        MemStream.Named(name).Flush();

        var stored = MemStream.Named(name).Query("order-1").Single();
        Assert.That(stored.Exception!.ToString(), Does.Contain(nameof(UnprintableException)).And.Contains("<ToString() threw InvalidOperationException>"));
    }

    sealed class UnprintableException : Exception
    {
        public override string ToString() => throw new InvalidOperationException("no");
    }

    static void AssertKeptBetweenTwoNormalEvents(LogEventPropertyValue failing, bool onTheCallersThread)
    {
        using var folder = new TempFolder();
        var name = Some.UniqueName();
        using var logger = new LoggerConfiguration()
            .WriteTo.MemStream("{Message:lj}{NewLine}", storePath: folder.Path, name: name)
            .CreateLogger();
        var facade = MemStream.Named(name);
        if (onTheCallersThread)
            SinkRegistry.Resolve(name)!.RenderOnCallerAbove = 0;
        using var subscription = facade.Events();

        logger.Write(Event("before {Value}", new ScalarValue(1)));
        logger.Write(Event("failing {Value}", failing));
        logger.Write(Event("after {Value}", new ScalarValue(3)));
        facade.Flush();

        if (onTheCallersThread)
            Assert.That(SinkRegistry.Resolve(name)!.RenderedByCaller, Is.EqualTo(3), "the caller's path was taken");
        var stored = facade.Query("order-1");
        Assert.That(stored.Select(e => e.MessageTemplate.Text), Is.EqualTo(new[] { "before {Value}", "failing {Value}", "after {Value}" }), "all three stored, in order");
        Assert.That(stored[1].Properties["Value"].ToString(), Does.Contain(Marker), "the stored event carries the marker");
        Assert.That(stored[2].RenderMessage(), Is.EqualTo("after 3"));

        var tailed = new List<MemStreamEvent>();
        while (tailed.Count < 3 && subscription.Reader.TryRead(out var next))
            tailed.Add(next);
        Assert.That(tailed.Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }), "all three tailed");
        Assert.That(tailed[1].Text, Does.StartWith("failing ").And.Contains(Marker));
        Assert.That(tailed[2].Text, Is.EqualTo("after 3\n"), "the next event is untouched");
        foreach (var e in tailed)
        {
            var clef = new StringWriter();
            new CompactJsonFormatter().Format(e.LogEvent, clef);
            Assert.DoesNotThrow(() => JsonDocument.Parse(clef.ToString()), "each tailed event formats as valid CLEF");
        }
        Assert.That(facade.Status().RenderFailures, Is.EqualTo(1), "counted once");
    }

    static LogEvent Event(string template, LogEventPropertyValue value) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, Parser.Parse(template),
            [new LogEventProperty("Value", value), new LogEventProperty("CorrelationId", new ScalarValue("order-1"))]);
}
