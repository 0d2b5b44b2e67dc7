using System.Text;
using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Redis;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

/// <summary>
/// The fleet's stream entries as a reader finds them, written by MemStream or by anyone else who can write to
/// the stream: what MemStream wrote reads back whole, anything else is skipped with a reason, never thrown.
/// </summary>
public class FleetEntryReaderTests
{
    static readonly MemStreamFleetOptions Options = new MemStreamFleetOptions { App = "app", InstanceId = "web-1" }.Resolve();

    static MemStreamEvent Event(long sequence, string message, LogEventLevel level = LogEventLevel.Information) =>
        new(sequence, Some.Event(message, level, properties: [("CorrelationId", "order-" + sequence)]), Encoding.UTF8.GetBytes(message + "\n"));

    static NameValueEntry[] Batch(long missed, params MemStreamEvent[] events)
    {
        var batch = new FleetBatchWriter(Options, new FleetCounters());
        foreach (var memStreamEvent in events)
            batch.Add(memStreamEvent, MemStream.Default);
        return batch.Take(missed).Fields;
    }

    static FleetStreamEntry Read(params NameValueEntry[] fields) => FleetEntryReader.Read(new StreamEntry("1700000000000-3", fields));

    static NameValueEntry[] With(NameValueEntry[] fields, string name, RedisValue value) =>
        [.. fields.Where(f => f.Name != name), new(name, value)];

    [Test]
    public void ABatchReadsBackEventByEventWithItsInstancePositionsAndGap()
    {
        var entry = Read(Batch(missed: 7, Event(41, "first"), Event(42, "second", LogEventLevel.Error)));

        Assert.That(entry.Rejected, Is.Null);
        Assert.That(entry.Instance, Is.EqualTo("web-1"));
        Assert.That(entry.Missed, Is.EqualTo(7), "the events its instance could not publish before these");
        Assert.That(entry.Events.Select(e => (e.Sequence, e.Text, e.LogEvent.Level)), Is.EqualTo(new[] { (41L, "first\n", LogEventLevel.Information), (42L, "second\n", LogEventLevel.Error) }));
        Assert.That(entry.Events.Select(e => e.LogEvent.Properties["CorrelationId"].ToString()), Is.EqualTo(new[] { "\"order-41\"", "\"order-42\"" }));
        Assert.That(entry.Events.Select(e => (((FleetEvent)e).Instance, ((FleetEvent)e).StreamId)), Is.EqualTo(new[] { ("web-1", "1700000000000-3-0"), ("web-1", "1700000000000-3-1") }));
    }

    [Test]
    public void AnEntryOverTheCapIsSkippedUnreadWithItsSize()
    {
        var entry = Read(With(Batch(0, Event(1, "one")), FleetEntryFormat.Events, new byte[FleetEntryFormat.MaxEntryBytes + 1]));

        Assert.That(entry.Events, Is.Empty);
        Assert.That(entry.Rejected, Does.Contain("over the").And.Contain("1700000000000-3"));
    }

    [Test]
    public void AnEntryLeftInRedisForItsSizeIsSkippedWithIt()
    {
        var entry = Read(new NameValueEntry(FleetStreamRange.OversizeField, 62_914_560));

        Assert.That(entry.Events, Is.Empty);
        Assert.That(entry.Rejected, Does.Contain("of 62914560 bytes, over the 1048576"));
    }

    [TestCase("v", "3", "format this version does not read")]
    [TestCase("instance", "", "without a valid instance id")]
    [TestCase("instance", "tab\there", "without a valid instance id")]
    [TestCase("missed", "-4", "damaged count of missed events")]
    [TestCase("missed", "many", "damaged count of missed events")]
    public void AnEntryWithAFieldMemStreamDoesNotWriteIsSkippedSayingWhich(string field, string value, string why)
    {
        var entry = Read(With(Batch(0, Event(1, "one")), field, value));

        Assert.That(entry.Events, Is.Empty);
        Assert.That(entry.Rejected, Does.Contain(why));
    }

    [Test]
    public void AnInstanceIdLongerThanAnInstanceCanHaveIsSkipped() =>
        Assert.That(Read(With(Batch(0, Event(1, "one")), "instance", new string('i', 201))).Rejected, Does.Contain("without a valid instance id"));

    [Test]
    public void ALayoutDamagedHalfwayKeepsTheEventsBeforeTheDamage()
    {
        var whole = (byte[])Batch(0, Event(1, "one"), Event(2, "two")).Single(f => f.Name == FleetEntryFormat.Events).Value!;
        var damaged = whole.Concat(new byte[] { 3, 0xFF, 0xFF, 0xFF, 0x0F }).ToArray(); // a third record whose text runs past the end

        var entry = Read(With(Batch(0), FleetEntryFormat.Events, damaged));

        Assert.That(entry.Events.Select(e => e.Text), Is.EqualTo(new[] { "one\n", "two\n" }));
        Assert.That(entry.Rejected, Does.Contain("damaged after 2 of them"));
    }

    [Test]
    public void AnEventThatDoesNotDecodeIsSkippedAndCountedAndTheOthersRead()
    {
        var good = (byte[])Batch(0, Event(1, "one")).Single(f => f.Name == FleetEntryFormat.Events).Value!;
        var junk = new byte[] { 2, 4, (byte)'j', (byte)'u', (byte)'n', (byte)'k', 3, 9, 9, 9 }; // framed well, not an event
        var entry = Read(With(Batch(0), FleetEntryFormat.Events, good.Concat(junk).Concat(good).ToArray()));

        Assert.That(entry.Events.Select(e => e.Text), Is.EqualTo(new[] { "one\n", "one\n" }));
        Assert.That(entry.RejectedEvents, Is.EqualTo(1));
        Assert.That(entry.Rejected, Does.Contain("1 events of web-1"));
        Assert.That(entry.Events.Select(e => ((FleetEvent)e).StreamId), Is.EqualTo(new[] { "1700000000000-3-0", "1700000000000-3-1" }), "positions count the events that read, as the follower gives them");
    }

    [Test]
    public void AnEventWhoseTemplatePadsAValueToGigabytesIsSkippedNotRendered()
    {
        var padded = new MemStreamEvent(2, Some.Event("{Value,900000000}", properties: [("Value", 1)]), "1\n"u8.ToArray());
        var entry = Read(Batch(0, Event(1, "one"), padded, Event(3, "three")));

        Assert.That(entry.Events.Select(e => e.Sequence), Is.EqualTo(new[] { 1L, 3L }));
        Assert.That(entry.RejectedEvents, Is.EqualTo(1));
    }

    [Test]
    public void AnEntryOfVersion1FromBeforeAnyReleaseIsSkippedWithANotice()
    {
        var entry = Read(new("instance", "old-1"), new("seq", 9), new("text", "from before\n"),
            new("clef", "{\"@t\":\"2026-11-28T08:00:00Z\",\"@mt\":\"from {Version}\",\"Version\":1}"));

        Assert.That(entry.Events, Is.Empty);
        Assert.That(entry.Rejected, Does.Contain("in a format this version does not read"));
        Assert.That(FleetEntryReader.CountEvents(new StreamEntry("1-0", [new("instance", "old-1"), new("seq", 9), new("clef", "{}")])), Is.Zero);
    }

    [Test]
    public void CountingAnEntrysEventsReadsItsLayoutOnly() =>
        Assert.That(FleetEntryReader.CountEvents(new StreamEntry("1-0", Batch(0, Event(1, "a"), Event(2, "b"), Event(3, "c")))), Is.EqualTo(3));
}
