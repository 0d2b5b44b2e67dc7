using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Redis;
using Serilog.Sinks.MemStream.Tests.Support;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

/// <summary>One fleet tail client as the stream follower serves it, without Redis: what it is given, and when it is passed over.</summary>
public class FleetTailClientTests
{
    static FleetStreamEntry Entry(string id, int events, int textBytes, int first = 1)
    {
        var batch = new FleetBatchWriter(new MemStreamFleetOptions { App = "app", InstanceId = "web-1" }.Resolve(), new FleetCounters());
        var text = new byte[textBytes];
        Array.Fill(text, (byte)'x');
        for (var i = first; i < first + events; i++)
            batch.Add(new MemStreamEvent(i, Some.Event("event {Index}", properties: [("Index", i)]), text), MemStream.Default);
        var entry = FleetEntryReader.Read(new StreamEntry(id, batch.Take(missed: 0).Fields));
        Assert.That(entry.Rejected, Is.Null, "an entry as MemStream writes it");
        return entry;
    }

    /// <summary>Gives the entries in order until the client is passed over; true when it took them all.</summary>
    static bool GiveAll(FleetTailClient client, IEnumerable<FleetStreamEntry> entries) => entries.All(client.TryGive);

    [Test]
    public void AClientsQueueIsBoundedInBytesAsWellAsInEventsAndGoesOnWhereItStopped()
    {
        using var subscription = new MemStreamSubscription(capacity: 1000);
        var client = new FleetTailClient(subscription, LogEventLevel.Verbose, 1000, FleetStreamPosition.Start, positionHeld: false);
        // 60 events of about 400 KiB each as the follower counts them, 4 to an entry (as a publisher's batch of 256 KiB or more).
        var entries = Enumerable.Range(0, 15).Select(i => Entry($"{i + 1}-0", first: 4 * i + 1, events: 4, textBytes: 200 * 1024)).ToList();

        Assert.That(GiveAll(client, entries), Is.False, "passed over before the last: 60 events would be about 24 MiB");
        var queued = subscription.Reader.Count;
        Assert.That(queued, Is.InRange(15, 25), "about 8 MiB queued, far below the 1,000 events it may hold");
        Assert.That(client.Room, Is.Zero);

        var taken = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            subscription.Reader.TryRead(out var memStreamEvent);
            taken.Add(memStreamEvent!.Sequence);
        }
        Assert.That(client.Room, Is.GreaterThan(0), "room again once the client took some");
        while (!GiveAll(client, entries))
        {
            while (subscription.Reader.TryRead(out var memStreamEvent))
                taken.Add(memStreamEvent.Sequence);
        }
        while (subscription.Reader.TryRead(out var memStreamEvent))
            taken.Add(memStreamEvent.Sequence);

        Assert.That(taken, Is.EqualTo(Enumerable.Range(1, 60).Select(i => (long)i)), "every event once, in order, across the pauses");
        Assert.That(client.Position.ToString(), Is.EqualTo("15-0"), "after the last entry");
    }

    [Test]
    public void ASmallEventsQueueIsBoundedByItsCapacity()
    {
        using var subscription = new MemStreamSubscription(capacity: 10);
        var client = new FleetTailClient(subscription, LogEventLevel.Verbose, 10, FleetStreamPosition.Start, positionHeld: false);

        Assert.That(client.TryGive(Entry("1-0", events: 25, textBytes: 10)), Is.False);
        Assert.That(subscription.Reader.Count, Is.EqualTo(10));
        Assert.That(client.Position.ToString(), Is.EqualTo("1-0-9"), "the last event it took");
    }
}
