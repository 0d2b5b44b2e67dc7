using System.Buffers;
using Serilog.Debugging;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Builds one stream entry from a batch of events (<see cref="FleetEntryFormat"/>): each event is encoded
/// as the store encodes it and appended with its rendering to one reused buffer, so an event costs its
/// encoding (about 0.7 µs) and a copy, and a batch one array. An event too large for the stream goes cut down
/// (<see cref="OversizePublishedEvent"/>). Not thread-safe: the publisher's loop only.
/// </summary>
internal sealed class FleetBatchWriter(MemStreamFleetOptions options, FleetCounters counters)
{
    readonly RedisValue _instance = options.InstanceId!;
    readonly ArrayBufferWriter<byte> _events = new(64 * 1024);

    /// <summary>How many events the batch holds.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the batch should go now: <see cref="FleetEntryFormat.MaxBatchEvents"/> events or <see cref="FleetEntryFormat.BatchBytes"/>.</summary>
    public bool IsFull => Count >= FleetEntryFormat.MaxBatchEvents || _events.WrittenCount >= FleetEntryFormat.BatchBytes;

    /// <summary>Adds an event of <paramref name="sink"/>; throws (and adds nothing) when it cannot be encoded, so that it costs only itself.</summary>
    public void Add(MemStreamEvent memStreamEvent, MemStreamInstance sink)
    {
        var logEvent = memStreamEvent.LogEvent;
        var text = memStreamEvent.Utf8;
        var encoded = MemStreamEventCodec.Encode(logEvent);
        if (OversizePublishedEvent.IsTooLarge(text.Length, encoded.Length))
        {
            var bytes = (long)text.Length + encoded.Length;
            text = OversizePublishedEvent.Text(memStreamEvent);
            encoded = MemStreamEventCodec.Encode(OversizePublishedEvent.StandIn(logEvent, bytes, sink.CorrelationIdProperty, sink.CorrelationIdOf(logEvent)));
            if (counters.AddCutDown(1) == 1)
                SelfLog.WriteLine("MemStream: an event of {0} bytes was too large for the fleet's stream (limit {1}) and was published cut down; this instance keeps it whole (said once; MemStreamFleet.Status().CutDown counts them)", bytes, OversizePublishedEvent.MaxBytes);
        }
        MemStreamEventCodec.WriteRecord(_events, memStreamEvent.Sequence, text.Span, encoded);
        Count++;
    }

    /// <summary>
    /// The entry's fields for the events added, saying that <paramref name="missed"/> events could not be published
    /// before them; the batch starts empty again. The events' bytes are in an array rented for the entry: give it
    /// back with <see cref="Return"/> once the command is sent (StackExchange.Redis writes it later, while this
    /// buffer fills again). Rented, because a new array of this size per entry lands on the large object heap,
    /// and under load that made full collections.
    /// </summary>
    public (NameValueEntry[] Fields, byte[] Rented) Take(long missed)
    {
        var rented = ArrayPool<byte>.Shared.Rent(_events.WrittenCount);
        _events.WrittenSpan.CopyTo(rented);
        RedisValue events = rented.AsMemory(0, _events.WrittenCount);
        _events.ResetWrittenCount();
        Count = 0;
        NameValueEntry[] fields = missed > 0
            ? [new(FleetEntryFormat.Version, FleetEntryFormat.CurrentVersion), new(FleetEntryFormat.Instance, _instance), new(FleetEntryFormat.Events, events), new(FleetEntryFormat.Missed, missed)]
            : [new(FleetEntryFormat.Version, FleetEntryFormat.CurrentVersion), new(FleetEntryFormat.Instance, _instance), new(FleetEntryFormat.Events, events)];
        return (fields, rented);
    }

    /// <summary>Gives back an entry's array once its command is sent (or failed).</summary>
    public static void Return(byte[] rented) => ArrayPool<byte>.Shared.Return(rented);
}
