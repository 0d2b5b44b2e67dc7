using System.Text;
using Serilog.Sinks.MemStream.Redis;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

public class OversizePublishedEventTests
{
    [Test]
    public void AnOversizeRenderingIsCutAtACharacterBoundaryWithItsMarker()
    {
        // 16 KiB of three-byte characters after one byte: the 16 KiB cut (less the marker) falls inside a character.
        var text = "x" + new string('€', 10_000) + "\n";
        var utf8 = Encoding.UTF8.GetBytes(text);
        var cut = OversizePublishedEvent.Text(new MemStreamEvent(1, Support.Some.Text("big"), utf8));

        var decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(cut.Span);
        Assert.That(cut.Length, Is.LessThanOrEqualTo(16 * 1024));
        Assert.That(decoded, Does.StartWith("x€€€").And.EndWith($" …[truncated by MemStream: {utf8.Length} bytes]\n"));
    }
}
