using System.Globalization;
using System.Text;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting.Compact;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// The fields of one event's stream entry: instance, seq, ts, level, cid, trace, text and clef. The CLEF is
/// written as UTF-8 into a reused stream, and it, the timestamp and the trace id go to Redis as slices of one
/// array per event: 764 bytes allocated per event where strings for each allocated 1,731 (a probe over 20,000
/// events), since every young-generation collection also moves the events still queued in the sink. The CPU
/// is CompactJsonFormatter's, about 3 µs per event. The rendering goes as the sink made it. Not thread-safe:
/// the publisher's loop only.
/// </summary>
internal sealed class FleetEntryFields
{
    const int TimestampBytes = 33; // 2026-11-28T12:00:00.0000000+00:00
    const int TraceIdBytes = 32;
    static readonly RedisValue[] Levels = Enum.GetValues<LogEventLevel>().Select(level => (RedisValue)level.ToString()).ToArray();
    readonly FleetCounters _counters;
    readonly RedisValue _instance;
    readonly CompactJsonFormatter _formatter = new();
    readonly MemoryStream _clef = new();
    StreamWriter _clefWriter;

    public FleetEntryFields(MemStreamFleetOptions options, FleetCounters counters)
    {
        _counters = counters;
        _instance = options.InstanceId!;
        _clefWriter = NewClefWriter();
    }

    public NameValueEntry[] Of(MemStreamEvent memStreamEvent, string correlationIdProperty)
    {
        var logEvent = memStreamEvent.LogEvent;
        var text = memStreamEvent.Utf8;
        var clef = Clef(logEvent);
        if (OversizePublishedEvent.IsTooLarge(text.Length, clef.Length))
        {
            var bytes = (long)text.Length + clef.Length;
            text = OversizePublishedEvent.Text(memStreamEvent);
            logEvent = OversizePublishedEvent.StandIn(logEvent, bytes, correlationIdProperty);
            clef = Clef(logEvent);
            if (_counters.AddCutDown(1) == 1)
                SelfLog.WriteLine("MemStream: an event of {0} bytes was too large for the fleet's stream (limit {1}) and was published cut down; this instance keeps it whole (said once; MemStreamFleet.Status().CutDown counts them)", bytes, OversizePublishedEvent.MaxBytes);
        }

        var correlationId = CorrelationIdText.Of(logEvent, correlationIdProperty);
        var traceId = TraceIdText.Of(logEvent);
        var buffer = new byte[clef.Length + TimestampBytes + (traceId is null ? 0 : TraceIdBytes)];
        clef.CopyTo(buffer);
        var at = clef.Length;
        logEvent.Timestamp.TryFormat(buffer.AsSpan(at), out var timestampLength, "O", CultureInfo.InvariantCulture);
        var timestamp = buffer.AsMemory(at, timestampLength);
        at += TimestampBytes;
        var fields = new NameValueEntry[6 + (correlationId is null ? 0 : 1) + (traceId is null ? 0 : 1)];
        var field = 0;
        fields[field++] = new("instance", _instance);
        fields[field++] = new("seq", memStreamEvent.Sequence);
        fields[field++] = new("ts", timestamp);
        fields[field++] = new("level", Levels[(int)logEvent.Level]);
        if (correlationId is not null)
            fields[field++] = new("cid", correlationId);
        if (traceId is { } trace)
        {
            Span<byte> raw = stackalloc byte[16];
            trace.CopyTo(raw);
            Convert.TryToHexStringLower(raw, buffer.AsSpan(at, TraceIdBytes), out _);
            fields[field++] = new("trace", buffer.AsMemory(at, TraceIdBytes));
        }
        fields[field++] = new("text", text);
        fields[field] = new("clef", buffer.AsMemory(0, clef.Length));
        return fields;
    }

    StreamWriter NewClefWriter() =>
        new(_clef, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096, leaveOpen: true) { AutoFlush = false };

    /// <summary>The event as CLEF in UTF-8, without its line end, in the reused stream (valid until the next call).</summary>
    ReadOnlySpan<byte> Clef(LogEvent logEvent)
    {
        _clef.SetLength(0);
        if (_clef.Capacity > 1024 * 1024)
            _clef.Capacity = 64 * 1024; // a huge event once must not keep its buffer for good
        try
        {
            _formatter.Format(logEvent, _clefWriter);
            _clefWriter.Flush();
        }
        catch
        {
            // The writer still holds the failed event's partial JSON: the next event must not start with it.
            _clefWriter = NewClefWriter();
            throw;
        }
        var written = _clef.GetBuffer().AsSpan(0, (int)_clef.Length);
        while (written.Length > 0 && written[^1] is (byte)'\n' or (byte)'\r')
            written = written[..^1];
        return written;
    }
}
