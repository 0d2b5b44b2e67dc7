using System.Text;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Reads entries of the fleet's stream, trusting nothing in them: anyone who can write to the stream can
/// put anything there. An entry over <see cref="FleetEntryFormat.MaxEntryBytes"/>, of an unknown version,
/// without a sensible instance id or with a damaged layout gives no events and says why; an event that does
/// not decode is skipped and counted; nothing here throws or allocates more than the entry's own size.
/// </summary>
internal static class FleetEntryReader
{
    public static FleetStreamEntry Read(StreamEntry entry)
    {
        var id = FleetStreamPosition.Parse(entry.Id.ToString());
        var leftInRedis = entry[FleetStreamRange.OversizeField];
        var size = !leftInRedis.IsNull && leftInRedis.TryParse(out long sizeInRedis) ? sizeInRedis : entry.Values.Sum(v => (long)Length(v.Name) + Length(v.Value));
        if (size > FleetEntryFormat.MaxEntryBytes)
            return Rejected(id, null, $"The fleet's stream held an entry ({id}) of {size} bytes, over the {FleetEntryFormat.MaxEntryBytes} bytes an entry of MemStream's can have; it was skipped: MemStream did not write it.");
        var instance = entry[FleetEntryFormat.Instance];
        if (instance.IsNullOrEmpty || Length(instance) > FleetEntryFormat.MaxInstanceLength * 4 || instance.ToString() is var name && (name.Length > FleetEntryFormat.MaxInstanceLength || name.Any(char.IsControl)))
            return Rejected(id, null, $"The fleet's stream held an entry ({id}) without a valid instance id; it was skipped: MemStream did not write it.");
        var version = entry[FleetEntryFormat.Version];
        if (version != FleetEntryFormat.CurrentVersion)
            return Rejected(id, name, $"The fleet's stream held an entry ({id}) of {name} in a format this version does not read (v={version}); it was skipped.");
        var missedField = entry[FleetEntryFormat.Missed];
        var missed = 0L;
        if (!missedField.IsNull && (!missedField.TryParse(out missed) || missed < 0))
            return Rejected(id, name, $"The fleet's stream held an entry ({id}) of {name} with a damaged count of missed events; it was skipped.");
        var events = entry[FleetEntryFormat.Events];
        if (events.IsNull)
            return Rejected(id, name, $"The fleet's stream held an entry ({id}) of {name} without events; it was skipped.");
        return ReadBatch(id, name, (byte[])events!, missed);
    }

    /// <summary>How many events an entry holds, from its layout alone (no event decoded): for a replay's start.</summary>
    public static int CountEvents(StreamEntry entry)
    {
        if (entry[FleetEntryFormat.Version] != FleetEntryFormat.CurrentVersion)
            return 0;
        var events = entry[FleetEntryFormat.Events];
        if (events.IsNull || Length(events) > FleetEntryFormat.MaxEntryBytes)
            return 0;
        ReadOnlySpan<byte> rest = (byte[])events!;
        var count = 0;
        while (!rest.IsEmpty && MemStreamEventCodec.TryReadRecord(ref rest, out _, out _, out _))
            count++;
        return count;
    }

    static FleetStreamEntry ReadBatch(FleetStreamPosition id, string instance, byte[] data, long missed)
    {
        var events = new List<MemStreamEvent>();
        var sizes = new List<int>();
        ReadOnlySpan<byte> rest = data;
        var undecodable = 0;
        while (!rest.IsEmpty)
        {
            if (!MemStreamEventCodec.TryReadRecord(ref rest, out var sequence, out var text, out var encoded))
                return new FleetStreamEntry(id, events, sizes, instance, missed,
                    $"The fleet's stream held an entry ({id}) of {instance} whose events are damaged after {events.Count + undecodable} of them; the rest was skipped.", FleetTailNotices.UnknownCount);
            // Positions count the events that read: a client resumes by the index it was given.
            var position = id with { Index = events.Count };
            if (!MemStreamEventCodec.TryDecode(encoded, out var logEvent) || !IsRenderable(logEvent))
            {
                undecodable++;
                continue;
            }
            events.Add(new FleetEvent(sequence, logEvent, text.ToArray(), instance, position));
            // The rendering and the event as objects (about twice its encoding), kept once for all clients; their frames
            // are kept apart, in the tail's cache of the newest frames.
            sizes.Add(2 * text.Length + 3 * encoded.Length + 256);
        }
        return undecodable == 0
            ? new FleetStreamEntry(id, events, sizes, instance, missed, null, 0)
            : new FleetStreamEntry(id, events, sizes, instance, missed, $"The fleet's stream held {undecodable} events of {instance} (in entry {id}) that could not be read; they were skipped.", undecodable);
    }

    /// <summary>
    /// Whether the event's template can be rendered here without harm: this instance renders fleet events for
    /// its clients, and a template MemStream never published, such as <c>{A,900000000}</c>, would pad one
    /// property to gigabytes.
    /// </summary>
    static bool IsRenderable(LogEvent logEvent) =>
        !logEvent.MessageTemplate.Tokens.OfType<PropertyToken>().Any(token => token.Alignment is { Width: > MaxAlignment });

    const int MaxAlignment = 1024;

    static FleetStreamEntry Rejected(FleetStreamPosition id, string? instance, string why, long events = FleetTailNotices.UnknownCount) =>
        new(id, [], [], instance, 0, why, events);

    static long Length(RedisValue value) => value.IsNull ? 0 : value.GetByteCount();
}
