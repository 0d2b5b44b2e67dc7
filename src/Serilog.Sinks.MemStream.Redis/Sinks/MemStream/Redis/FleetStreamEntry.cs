using System.Text;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>One entry of the fleet's stream, read once for every tail client of this instance.</summary>
internal readonly record struct FleetStreamEntry(StreamPosition Position, MemStreamEvent? Event)
{
    /// <summary>The entry with its event and origin; the event is null for an entry that does not read (another version's, or damaged).</summary>
    public static FleetStreamEntry Read(StreamEntry entry)
    {
        var position = StreamPosition.Parse(entry.Id);
        try
        {
            return new FleetStreamEntry(position, ReadEvent(entry));
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or InvalidOperationException)
        {
            return new FleetStreamEntry(position, null);
        }
    }

    static MemStreamEvent? ReadEvent(StreamEntry entry)
    {
        var instance = entry["instance"];
        var clef = entry["clef"];
        if (instance.IsNullOrEmpty || clef.IsNullOrEmpty || !entry["seq"].TryParse(out long sequence) || sequence < 1
            || !ClefEventReader.TryRead(clef.ToString(), out var logEvent))
            return null;
        var text = entry["text"];
        return new MemStreamEvent(sequence, logEvent!, text.IsNull ? Encoding.UTF8.GetBytes("") : (byte[])text!,
            new FleetOrigin(instance.ToString(), entry.Id.ToString(), clef.ToString()));
    }
}
