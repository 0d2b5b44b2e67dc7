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
