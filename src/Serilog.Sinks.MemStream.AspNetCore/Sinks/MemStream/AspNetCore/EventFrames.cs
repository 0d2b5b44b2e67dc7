using System.Buffers;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// The JSON frames of the WebSocket tail and the query endpoint. An event frame carries the sequence
/// number (to resume with <c>after</c>), timestamp, level, correlation id, W3C trace and span ids (when
/// the event has them) and either the sink's rendering (<c>text</c>) or the event as CLEF (<c>clef</c>).
/// Notices say what a client lost.
/// </summary>
internal sealed class EventFrames
{
    readonly ArrayBufferWriter<byte> _buffer = new(1024);
    readonly CompactJsonFormatter _clef = new();
    readonly StringWriter _clefText = new(System.Globalization.CultureInfo.InvariantCulture);
    public EventFrames(string correlationIdProperty)
    {
        CorrelationIdProperty = correlationIdProperty;
    }

    /// <summary>The sink's correlation-id property, read once per client.</summary>
    public string CorrelationIdProperty { get; }

    /// <summary>
    /// An event frame. Every client of a sink sends the same bytes for an event, so the frame is
    /// serialized once and kept for the others (<see cref="EventFrameCache"/>).
    /// </summary>
    public ReadOnlyMemory<byte> Event(MemStreamEvent memStreamEvent, bool clef)
    {
        if (EventFrameCache.Find(memStreamEvent, clef) is { } cached)
            return cached;
        var frame = Serialize(memStreamEvent, clef).ToArray();
        EventFrameCache.Keep(memStreamEvent, clef, frame);
        return frame;
    }

    ReadOnlySpan<byte> Serialize(MemStreamEvent memStreamEvent, bool clef)
    {
        _buffer.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_buffer);
        json.WriteStartObject();
        json.WriteString(TailProtocol.Type, TailProtocol.EventFrame);
        if (memStreamEvent is FleetEvent fleetEvent)
        {
            json.WriteString(TailProtocol.Instance, fleetEvent.Instance);
            json.WriteString(TailProtocol.StreamId, fleetEvent.StreamId);
        }
        WriteEventFields(json, memStreamEvent.Sequence, memStreamEvent.LogEvent, clef);
        if (!clef)
            json.WriteString(TailProtocol.Text, memStreamEvent.Utf8.Span);
        json.WriteEndObject();
        json.Flush();
        return _buffer.WrittenSpan;
    }

    static readonly byte[] BatchStart = System.Text.Encoding.UTF8.GetBytes($"{{\"{TailProtocol.Type}\":\"{TailProtocol.EventsFrame}\",\"{TailProtocol.Events}\":[");

    /// <summary>
    /// Starts a batch message, <c>{"type":"events","events":[...]}</c>, in <paramref name="batch"/>;
    /// <see cref="AddToBatch"/> appends event frames and <see cref="EndBatch"/> closes it.
    /// </summary>
    public static void StartBatch(ArrayBufferWriter<byte> batch)
    {
        batch.ResetWrittenCount();
        batch.Write(BatchStart);
    }

    public static void AddToBatch(ArrayBufferWriter<byte> batch, ReadOnlySpan<byte> eventFrame, bool first)
    {
        if (!first)
            batch.Write(","u8);
        batch.Write(eventFrame);
    }

    public static void EndBatch(ArrayBufferWriter<byte> batch) => batch.Write("]}"u8);

    /// <summary>
    /// A notice: <c>dropped</c> (the client fell behind), <c>missed</c> (no longer buffered when it resumed),
    /// <c>restarted</c>, or <c>filter-failed</c> (its filter threw on <paramref name="count"/> events, which
    /// were skipped; <paramref name="message"/> is the first error).
    /// </summary>
    public ReadOnlyMemory<byte> Notice(string type, long count, string? message = null)
    {
        _buffer.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_buffer);
        json.WriteStartObject();
        json.WriteString(TailProtocol.Type, type);
        json.WriteNumber(TailProtocol.Count, count);
        if (message is not null)
            json.WriteString(TailProtocol.Message, message);
        json.WriteEndObject();
        json.Flush();
        return _buffer.WrittenMemory;
    }

    /// <summary>
    /// The fields every event frame has; with <paramref name="clef"/>, the event as CLEF (rendered here, for a
    /// fleet's event too: the stream carries events, not their CLEF).
    /// </summary>
    public void WriteEventFields(Utf8JsonWriter json, long sequence, LogEvent logEvent, bool clef)
    {
        json.WriteNumber(TailProtocol.Sequence, sequence);
        json.WriteString(TailProtocol.Timestamp, logEvent.Timestamp);
        json.WriteString(TailProtocol.Level, logEvent.Level.ToString());
        if (CorrelationIdText.Of(logEvent, CorrelationIdProperty) is { } correlationId)
            json.WriteString(TailProtocol.CorrelationId, correlationId);
        if (logEvent.TraceId is { } traceId)
            json.WriteString(TailProtocol.TraceId, traceId.ToHexString());
        if (logEvent.SpanId is { } spanId)
            json.WriteString(TailProtocol.SpanId, spanId.ToHexString());
        if (clef)
        {
            json.WritePropertyName(TailProtocol.Clef);
            json.WriteRawValue(Clef(logEvent), skipInputValidation: true);
        }
    }

    /// <summary>The event as one line of CLEF, without its line end.</summary>
    public string Clef(LogEvent logEvent)
    {
        _clefText.GetStringBuilder().Clear();
        _clef.Format(logEvent, _clefText);
        return _clefText.GetStringBuilder().ToString().TrimEnd();
    }
}
