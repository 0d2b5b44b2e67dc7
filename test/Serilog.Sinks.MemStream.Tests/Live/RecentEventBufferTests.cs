using System.Text;
using Serilog.Sinks.MemStream.Live;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Live;

public class RecentEventBufferTests
{
    static long _sequence;

    static MemStreamEvent Rendered(string text) =>
        new(Interlocked.Increment(ref _sequence), Some.Text(text), Encoding.UTF8.GetBytes(text));

    [Test]
    public void KeepsEveryEventWhileTheyFit()
    {
        var buffer = new RecentEventBuffer(100);

        buffer.Append(Rendered("one\n"));
        buffer.Append(Rendered("two\n"));

        Assert.That(buffer.Text(), Is.EqualTo("one\ntwo\n"));
        Assert.That(buffer.SizeBytes, Is.EqualTo(8));
        Assert.That(buffer.Evictions, Is.Zero);
    }

    [Test]
    public void EvictsTheOldestWholeEventsToMakeRoom()
    {
        var buffer = new RecentEventBuffer(10);

        buffer.Append(Rendered("aaaa\n"));
        buffer.Append(Rendered("bbbb\n"));
        buffer.Append(Rendered("cc\n"));

        Assert.That(buffer.Text(), Is.EqualTo("bbbb\ncc\n"), "the oldest event goes whole, never a part of it");
        Assert.That(buffer.Evictions, Is.EqualTo(1));
    }

    [Test]
    public void NeverExceedsItsCapacityForAnySequenceOfSizes()
    {
        var random = new Random(12345);
        var buffer = new RecentEventBuffer(1000);
        var appended = new List<string>();

        for (var i = 0; i < 5000; i++)
        {
            var line = new string((char)('a' + i % 26), random.Next(1, 400)) + "\n";
            appended.Add(line);
            buffer.Append(Rendered(line));

            Assert.That(buffer.SizeBytes, Is.LessThanOrEqualTo(1000));
            var text = buffer.Text();
            Assert.That(Encoding.UTF8.GetByteCount(text), Is.EqualTo(buffer.SizeBytes));
            Assert.That(string.Concat(appended.TakeLast(buffer.Count)), Is.EqualTo(text), "the buffer is a suffix of whole events");
        }
    }

    [Test]
    public void KeepsAnOversizeEventAloneCutToTheCapacityWithAMarker()
    {
        var buffer = new RecentEventBuffer(64);
        buffer.Append(Rendered("small\n"));

        buffer.Append(Rendered(new string('x', 500) + "\n"));

        var text = buffer.Text();
        Assert.That(buffer.Count, Is.EqualTo(1));
        Assert.That(buffer.SizeBytes, Is.LessThanOrEqualTo(64));
        Assert.That(text, Does.StartWith("xxxx"));
        Assert.That(text, Does.EndWith("[truncated by MemStream: 501 bytes]\n"));
    }

    [TestCase("é")]
    [TestCase("€")]
    [TestCase("😀")]
    public void CutsAnOversizeEventOnlyBetweenCharacters(string multiByte)
    {
        for (var capacity = 40; capacity < 56; capacity++)
        {
            var buffer = new RecentEventBuffer(capacity);
            buffer.Append(Rendered(string.Concat(Enumerable.Repeat(multiByte, 100))));

            var text = buffer.Text();
            var kept = text[..text.IndexOf(" …[truncated", StringComparison.Ordinal)];
            Assert.That(buffer.SizeBytes, Is.LessThanOrEqualTo(capacity));
            Assert.That(text, Does.Not.Contain("\uFFFD"), $"capacity {capacity} split a character");
            Assert.That(kept.Replace(multiByte, ""), Is.Empty, $"capacity {capacity} kept a partial character");
        }
    }

    [Test]
    public void ABufferTooSmallForTheMarkerKeepsWhatFitsUnmarked()
    {
        var buffer = new RecentEventBuffer(5);

        buffer.Append(Rendered("ab€cdefgh\n"));

        Assert.That(buffer.Text(), Is.EqualTo("ab€"));
    }

    [Test]
    public void ListsTheEventsAfterASequenceNumberOldestFirst()
    {
        var buffer = new RecentEventBuffer(1000);
        var events = Enumerable.Range(0, 5).Select(i => Rendered($"{i}\n")).ToList();
        events.ForEach(buffer.Append);

        var after = buffer.EventsAfter(events[2].Sequence);

        Assert.That(after.Select(e => e.Text), Is.EqualTo(new[] { "3\n", "4\n" }));
        Assert.That(buffer.OldestSequence, Is.EqualTo(events[0].Sequence));
    }
}
