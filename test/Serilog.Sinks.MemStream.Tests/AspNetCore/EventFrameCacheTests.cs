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
        // A sequence number no other test's sink reaches (slots are shared by the process; tests run one at a time).
        var sequence = 7_000_000_001L;
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

    [Test]
    public void FramesOverTheBoundAreNotKept()
    {
        var big = new MemStreamEvent(7_000_000_002L, Some.Text(new string('x', EventFrameCache.MaxFrameBytes)), System.Text.Encoding.UTF8.GetBytes(new string('x', EventFrameCache.MaxFrameBytes) + "\n"));
        var frames = new EventFrames("CorrelationId");

        Assert.That(frames.Event(big, clef: false).Length, Is.GreaterThan(EventFrameCache.MaxFrameBytes));
        Assert.That(EventFrameCache.Find(big, clef: false), Is.Null, "serialized for each client instead of kept");
    }
}
