using System.Buffers;
using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Seam;

public class MemStreamEventCodecTests
{
    [Test]
    public void RecordsFollowEachOtherAndGiveBackTheirEvents()
    {
        var output = new ArrayBufferWriter<byte>();
        var first = Some.Event("Order {OrderId} shipped", LogEventLevel.Warning, properties: [("OrderId", 42)]);
        MemStreamEventCodec.WriteRecord(output, 7, "first\n"u8, MemStreamEventCodec.Encode(first));
        MemStreamEventCodec.WriteRecord(output, 300, "second\n"u8, MemStreamEventCodec.Encode(Some.Text("second")));

        ReadOnlySpan<byte> data = output.WrittenSpan;
        Assert.That(MemStreamEventCodec.TryReadRecord(ref data, out var sequence, out var utf8, out var encoded), Is.True);
        Assert.That((sequence, System.Text.Encoding.UTF8.GetString(utf8)), Is.EqualTo((7L, "first\n")));
        Assert.That(MemStreamEventCodec.TryDecode(encoded, out var decoded), Is.True);
        Assert.That((decoded!.Level, decoded.Timestamp, decoded.RenderMessage()), Is.EqualTo((LogEventLevel.Warning, first.Timestamp, "Order 42 shipped")));
        Assert.That(MemStreamEventCodec.TryReadRecord(ref data, out sequence, out utf8, out _), Is.True);
        Assert.That((sequence, System.Text.Encoding.UTF8.GetString(utf8)), Is.EqualTo((300L, "second\n")));
        Assert.That(data.IsEmpty, Is.True);
    }

    [Test]
    public void WhatIsNotAWholeRecordOrAnEventReadsAsFalseAndLeavesTheDataAsItWas()
    {
        var output = new ArrayBufferWriter<byte>();
        MemStreamEventCodec.WriteRecord(output, 1, "text\n"u8, MemStreamEventCodec.Encode(Some.Text("text")));
        var whole = output.WrittenSpan.ToArray();

        for (var length = 0; length < whole.Length; length++)
        {
            ReadOnlySpan<byte> cut = whole.AsSpan(0, length);
            Assert.That(MemStreamEventCodec.TryReadRecord(ref cut, out _, out _, out _), Is.False, $"cut to {length} bytes");
            Assert.That(cut.Length, Is.EqualTo(length), "the data left as it was");
        }
        ReadOnlySpan<byte> zeroSequence = [0, 0, 0];
        Assert.That(MemStreamEventCodec.TryReadRecord(ref zeroSequence, out _, out _, out _), Is.False, "sequence numbers start at 1");
        // Lengths past what the data holds, and past int.MaxValue and long.MaxValue: refused, never cast or thrown.
        foreach (var length in new[] { 6UL, int.MaxValue + 1UL, ulong.MaxValue })
        {
            var forged = new ArrayBufferWriter<byte>();
            var bytes = forged.GetSpan(32);
            bytes[0] = 1;
            var at = 1 + WriteVarint(bytes[1..], length);
            "text\n"u8.CopyTo(bytes[at..]);
            forged.Advance(at + 5);
            ReadOnlySpan<byte> data = forged.WrittenSpan;
            Assert.That(MemStreamEventCodec.TryReadRecord(ref data, out _, out _, out _), Is.False, $"a rendering of {length} bytes");
        }
        Assert.That(MemStreamEventCodec.TryDecode([1, 2, 3, 4, 5], out _), Is.False);
        Assert.That(MemStreamEventCodec.TryDecode(whole.AsSpan(3, 20), out _), Is.False, "a piece of an encoding");
    }

    [Test]
    public void BadArgumentsAreRefusedByName()
    {
        Assert.That(() => MemStreamEventCodec.WriteRecord(new ArrayBufferWriter<byte>(), 0, [], []),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("sequence"));
        Assert.That(() => MemStreamEventCodec.Encode(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("logEvent"));
    }

    static int WriteVarint(Span<byte> destination, ulong value)
    {
        var at = 0;
        for (; value >= 0x80; value >>= 7)
            destination[at++] = (byte)(value | 0x80);
        destination[at++] = (byte)value;
        return at;
    }
}
