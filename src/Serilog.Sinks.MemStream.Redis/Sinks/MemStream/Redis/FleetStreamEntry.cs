using System.Text;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>One entry of the fleet's stream, read once for every tail client of this instance; <see cref="Bytes"/> is about what it holds in memory.</summary>
internal readonly record struct FleetStreamEntry(StreamPosition Position, MemStreamEvent? Event, int Bytes)
{
    /// <summary>The entry with its event and origin; the event is null for an entry that does not read (another version's, or damaged).</summary>
    public static FleetStreamEntry Read(StreamEntry entry)
    {
        var position = StreamPosition.Parse(entry.Id);
        MemStreamEvent? memStreamEvent;
        try
        {
            memStreamEvent = ReadEvent(entry);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or InvalidOperationException)
        {
            memStreamEvent = null;
        }
        // The rendering, the CLEF (UTF-16) and about as much again for the parsed event and its frames.
        var bytes = memStreamEvent is null ? 64 : 2 * (memStreamEvent.Utf8.Length + 2 * memStreamEvent.Origin!.Clef.Length) + 256;
        return new FleetStreamEntry(position, memStreamEvent, bytes);
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
