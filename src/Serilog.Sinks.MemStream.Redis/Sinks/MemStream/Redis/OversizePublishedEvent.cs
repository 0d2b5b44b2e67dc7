using System.Text;
using Serilog.Events;
using Serilog.Parsing;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// What the publisher sends in place of an event too large for the fleet's stream (a rendering and encoded event of
/// more than <see cref="MaxBytes"/> together): every tail client would read it, and Redis holds it in memory.
/// The stand-in keeps the timestamp, level, correlation id and trace and span ids (so the tail's filters and
/// the fleet query still find it), the first 16 KiB of the rendering with a marker, and the event's size.
/// The instance's own buffer, tail and store keep the event whole.
/// </summary>
internal static class OversizePublishedEvent
{
    public const int MaxBytes = 256 * 1024;
    const int KeptTextBytes = 16 * 1024;
    const int KeptCorrelationIdChars = 1024;
    static readonly MessageTemplate Template = new MessageTemplateParser().Parse(
        "MemStream cut this event down for the fleet's stream: {MemStreamEventBytes} bytes, over the limit of {MemStreamLimitBytes}; the instance that logged it keeps it whole");

    public static bool IsTooLarge(int textBytes, int encodedBytes) => (long)textBytes + encodedBytes > MaxBytes;

    /// <summary>The rendering cut to its first 16 KiB (at a character boundary) with a marker that says how large it was; a shorter one as it is (its properties were the large part).</summary>
    public static ReadOnlyMemory<byte> Text(MemStreamEvent memStreamEvent)
    {
        var text = memStreamEvent.Utf8;
        if (text.Length <= KeptTextBytes)
            return text;
        var marker = Encoding.UTF8.GetBytes($" …[truncated by MemStream: {text.Length} bytes]\n");
        var cut = KeptTextBytes - marker.Length;
        // UTF-8 continuation bytes look like 10xxxxxx; a character starts anywhere else.
        while (cut > 0 && (text.Span[cut] & 0xC0) == 0x80)
            cut--;
        var kept = new byte[cut + marker.Length];
        text.Span[..cut].CopyTo(kept);
        marker.CopyTo(kept.AsSpan(cut));
        return kept;
    }

    /// <summary>The stand-in event that goes to the stream.</summary>
    public static LogEvent StandIn(LogEvent logEvent, long bytes, string correlationIdProperty, string? correlationId)
    {
        var properties = new List<LogEventProperty>
        {
            new("MemStreamEventBytes", new ScalarValue(bytes)),
            new("MemStreamLimitBytes", new ScalarValue(MaxBytes)),
        };
        if (correlationId is not null)
            properties.Add(new(correlationIdProperty, new ScalarValue(correlationId.Length <= KeptCorrelationIdChars ? correlationId : correlationId[..KeptCorrelationIdChars])));
        return new LogEvent(logEvent.Timestamp, logEvent.Level, exception: null, Template, properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default);
    }
}
