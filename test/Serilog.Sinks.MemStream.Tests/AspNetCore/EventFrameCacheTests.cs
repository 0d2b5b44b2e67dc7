using System.Runtime.InteropServices;
using System.Text;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

public class EventFrameCacheTests
{
    [Test]
    public void AFrameIsServedOnlyForItsOwnEventAndFormat()
    {
        // Sequence numbers far from any other test's, so that no live tail running beside this one shares the slots.
        var sequence = 7_000_000_001L + Random.Shared.Next(0, 1_000_000) * 8_192L;
        var own = new MemStreamEvent(sequence, Some.Text("own"), "own\n"u8.ToArray());
        var sameNumber = new MemStreamEvent(sequence, Some.Text("another sink's"), "other\n"u8.ToArray());
        var frames = new EventFrames("CorrelationId");

        var text = frames.Event(own, clef: false);
        var clef = frames.Event(own, clef: true);

        Assert.Multiple(() =>
        {
            Assert.That(ArrayOf(frames.Event(own, clef: false)), Is.SameAs(ArrayOf(text)), "the second client gets the first one's frame");
            Assert.That(EventFrameCache.Find(own, clef: false), Is.Not.Null, "kept for the next client");
            Assert.That(EventFrameCache.Find(own, clef: true), Is.Not.Null, "kept for the next client");
            Assert.That(Encoding.UTF8.GetString(clef.Span), Does.Contain("\"clef\""), "each format its own frame");
            Assert.That(EventFrameCache.Find(sameNumber, clef: false), Is.Null, "another event with the same number does not get this one's frame");
        });

        var other = frames.Event(sameNumber, clef: false);
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(other.Span), Does.Contain("other").And.Not.Contain("own"));
            Assert.That(EventFrameCache.Find(own, clef: false), Is.Null, "its slot now holds the other event's frame");
        });
    }

    static byte[]? ArrayOf(ReadOnlyMemory<byte> memory) => MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array : null;
}
