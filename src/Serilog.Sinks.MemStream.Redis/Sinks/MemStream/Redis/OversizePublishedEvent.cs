using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Live;

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
    public static ReadOnlyMemory<byte> Text(MemStreamEvent memStreamEvent) =>
        memStreamEvent.Utf8.Length <= KeptTextBytes ? memStreamEvent.Utf8 : OversizeEventTruncator.Truncate(memStreamEvent, KeptTextBytes).Utf8;

    /// <summary>The stand-in event that goes to the stream.</summary>
    public static LogEvent StandIn(LogEvent logEvent, long bytes, string correlationIdProperty)
    {
        var properties = new List<LogEventProperty>
        {
            new("MemStreamEventBytes", new ScalarValue(bytes)),
            new("MemStreamLimitBytes", new ScalarValue(MaxBytes)),
        };
        if (CorrelationIdText.Of(logEvent, correlationIdProperty) is { } correlationId)
            properties.Add(new(correlationIdProperty, new ScalarValue(correlationId.Length <= KeptCorrelationIdChars ? correlationId : correlationId[..KeptCorrelationIdChars])));
        return new LogEvent(logEvent.Timestamp, logEvent.Level, exception: null, Template, properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default);
    }
}
