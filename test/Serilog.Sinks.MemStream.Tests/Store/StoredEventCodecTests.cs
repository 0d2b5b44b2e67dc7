using Serilog.Events;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

public class StoredEventCodecTests
{
    static byte[] Encoded() =>
        StoredEventCodec.Encode(Some.Event("Order {OrderId} by {Customer}", LogEventLevel.Warning, new InvalidOperationException("x"),
            properties: [("OrderId", 7), ("Customer", "Zoë"), ("CorrelationId", "c")]), DateTimeOffset.UtcNow.AddHours(1));

    [Test]
    public void TraceAndSpanIdsAreStoredAsTheirLowercaseHexTextAndReadBack()
    {
        var (trace, span) = (System.Diagnostics.ActivityTraceId.CreateRandom(), System.Diagnostics.ActivitySpanId.CreateRandom());
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new Serilog.Parsing.MessageTemplateParser().Parse("in a trace"), [], trace, span);

        var encoded = StoredEventCodec.Encode(logEvent, DateTimeOffset.UtcNow.AddHours(1));

        // The form stores have always had (a string as BinaryWriter writes one), so events of every version read alike.
        byte[] AsWritten(string text) => [1, (byte)text.Length, .. System.Text.Encoding.ASCII.GetBytes(text)];
        Assert.That(encoded.AsSpan().IndexOf(AsWritten(trace.ToHexString())), Is.GreaterThan(0), "the trace id, present, length-prefixed");
        Assert.That(encoded.AsSpan().IndexOf(AsWritten(span.ToHexString())), Is.GreaterThan(0), "the span id, present, length-prefixed");
        Assert.That(StoredEventCodec.TryDecode(encoded, out var decoded), Is.True);
        Assert.That((decoded!.TraceId, decoded.SpanId), Is.EqualTo(((System.Diagnostics.ActivityTraceId?)trace, (System.Diagnostics.ActivitySpanId?)span)));
    }

    [Test]
    public void AValueNestedDeeperThanAnyLoggerWritesIsRejectedWithoutOverflowingTheStack()
    {
        // What a forged fleet entry can hold: a property that is a sequence of a sequence of … 100,000 deep.
        // Decoded recursively without a bound, it would end the process (a stack overflow is not catchable).
        var writer = new BinaryWriter(new MemoryStream());
        writer.Write((byte)1); // the codec's format
        writer.Write((byte)LogEventLevel.Information);
        writer.Write(0L); // expiry
        writer.Write(DateTimeOffset.UtcNow.UtcTicks);
        writer.Write((short)0);
        writer.Write("deep {Value}");
        writer.Write(false); // no exception
        writer.Write(false); // no trace id
        writer.Write(false); // no span id
        writer.Write(1); // one property
        writer.Write("Value");
        for (var i = 0; i < 100_000; i++)
        {
            writer.Write((byte)20); // a sequence
            writer.Write(1); // of one element
        }
        writer.Write((byte)0); // null, at the bottom
        var forged = ((MemoryStream)writer.BaseStream).ToArray();

        Assert.That(StoredEventCodec.TryDecode(forged, out var logEvent), Is.False);
        Assert.That(logEvent, Is.Null);
    }

    [Test]
    public void ForgedElementCountsDoNotAllocateWhatTheyClaim()
    {
        // Counts each as large as the bytes left, nested 60 deep: allocated up front, about 60 × 8 MB for 1 MB.
        var writer = new BinaryWriter(new MemoryStream());
        writer.Write((byte)1);
        writer.Write((byte)LogEventLevel.Information);
        writer.Write(0L);
        writer.Write(DateTimeOffset.UtcNow.UtcTicks);
        writer.Write((short)0);
        writer.Write("counts {Value}");
        writer.Write(false);
        writer.Write(false);
        writer.Write(false);
        writer.Write(1);
        writer.Write("Value");
        for (var i = 0; i < 60; i++)
        {
            writer.Write((byte)20);
            writer.Write(1_000_000 - 5 * i - 100);
        }
        writer.Write(new byte[1_000_000 - 5 * 60 - 100]);
        var forged = ((MemoryStream)writer.BaseStream).ToArray();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(StoredEventCodec.TryDecode(forged, out _), Is.False);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16 << 20));
    }

    [Test]
    public void AValueNestedAsDeepAsSerilogDestructuresReadsBack()
    {
        LogEventPropertyValue value = new ScalarValue(1);
        for (var i = 0; i < 20; i++)
            value = new SequenceValue([value]);
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new Serilog.Parsing.MessageTemplateParser().Parse("nested {Value}"), [new LogEventProperty("Value", value)]);

        Assert.That(StoredEventCodec.TryDecode(StoredEventCodec.Encode(logEvent, DateTimeOffset.UtcNow), out var decoded), Is.True);
        Assert.That(decoded!.Properties["Value"].ToString(), Is.EqualTo(value.ToString()));
    }

    [Test]
    public void EveryTruncationOfAValueIsRejectedWithoutAnException()
    {
        var whole = Encoded();
        Assert.That(StoredEventCodec.TryDecode(whole, out _), Is.True);

        for (var length = 0; length < whole.Length; length++)
            Assert.That(StoredEventCodec.TryDecode(whole.AsSpan(0, length), out _), Is.False, $"a value cut to {length} bytes");
    }

    [Test]
    public void RandomDamageBehindAValidHeaderNeverThrows()
    {
        var random = new Random(42);
        var whole = Encoded();
        for (var round = 0; round < 20_000; round++)
        {
            var damaged = (byte[])whole.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                damaged[random.Next(StoredEventCodec.HeaderLength, damaged.Length)] = (byte)random.Next(256);

            Assert.DoesNotThrow(() => StoredEventCodec.TryDecode(damaged, out _));
        }
    }

    [Test]
    public void TheHeaderCarriesLevelAndExpiryWithoutDecodingTheRest()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddMinutes(5);
        var value = StoredEventCodec.Encode(Some.Event(level: LogEventLevel.Fatal), expiresAt);

        Assert.That(StoredEventCodec.TryReadHeader(value, out var level, out var expiry), Is.True);
        Assert.That(level, Is.EqualTo(LogEventLevel.Fatal));
        Assert.That(expiry, Is.EqualTo(expiresAt.ToUnixTimeMilliseconds()));
    }
}
