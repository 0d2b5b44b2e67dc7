namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// The newest events' frames, serialized once for every live-tail client of the process: clients of one sink read
/// the same events at about the same time, so a thousand slots hold what the others are about to send. A slot holds
/// one event (a process's own by its sequence number, a fleet's by its place in the stream) with its frame, and is
/// overwritten by the next event that maps to it; a lookup matches by reference, so another event in the slot only
/// misses, and a client far behind the others serializes its own frames. Bounded: at most <see cref="Slots"/> frames
/// per format, none over <see cref="MaxFrameBytes"/> (a larger one is serialized for each client), with their events.
/// </summary>
internal static class EventFrameCache
{
    /// <summary>Slots per format: a power of two, as many as a tail client's default queue holds.</summary>
    public const int Slots = 1024;

    /// <summary>The largest frame kept: 16 KiB.</summary>
    public const int MaxFrameBytes = 16 * 1024;

    static readonly CachedFrame?[] Text = new CachedFrame?[Slots];
    static readonly CachedFrame?[] Clef = new CachedFrame?[Slots];

    /// <summary>The frame kept for this very event in this format, or null.</summary>
    public static byte[]? Find(MemStreamEvent memStreamEvent, bool clef) =>
        Volatile.Read(ref SlotOf(memStreamEvent, clef)) is { } cached && ReferenceEquals(cached.Event, memStreamEvent) ? cached.Frame : null;

    /// <summary>Keeps the event's frame for the clients that send it next, unless it is over <see cref="MaxFrameBytes"/> (two threads may both keep one; the frames are equal).</summary>
    public static void Keep(MemStreamEvent memStreamEvent, bool clef, byte[] frame)
    {
        if (frame.Length <= MaxFrameBytes)
            Volatile.Write(ref SlotOf(memStreamEvent, clef), new CachedFrame(memStreamEvent, frame));
    }

    static ref CachedFrame? SlotOf(MemStreamEvent memStreamEvent, bool clef)
    {
        // Instances of a fleet number their events alike: their places in the stream tell them apart.
        var key = memStreamEvent is FleetEvent fleetEvent ? fleetEvent.Position.GetHashCode() : memStreamEvent.Sequence;
        return ref (clef ? Clef : Text)[(int)(key & (Slots - 1))];
    }

    sealed record CachedFrame(MemStreamEvent Event, byte[] Frame);
}
