namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// The newest events' frames, serialized once for every live-tail client of the process: clients of one sink
/// read the same events at about the same time, so a few thousand slots, indexed by sequence number, hold what
/// the others are about to send. A slot holds one event's frame and is overwritten by the next event that maps to
/// it; a lookup matches by reference, so events of other sinks or instances with the same number only miss, and a
/// client far behind the others serializes its own frames.
/// </summary>
internal static class EventFrameCache
{
    const int Slots = 4096; // a power of two

    static readonly CachedFrame?[] Text = new CachedFrame?[Slots];
    static readonly CachedFrame?[] Clef = new CachedFrame?[Slots];

    /// <summary>The frame kept for this very event in this format, or null.</summary>
    public static byte[]? Find(MemStreamEvent memStreamEvent, bool clef) =>
        Volatile.Read(ref SlotOf(memStreamEvent, clef)) is { } cached && ReferenceEquals(cached.Event, memStreamEvent) ? cached.Frame : null;

    /// <summary>Keeps the event's frame for the clients that send it next (two threads may both keep one; the frames are equal).</summary>
    public static void Keep(MemStreamEvent memStreamEvent, bool clef, byte[] frame) =>
        Volatile.Write(ref SlotOf(memStreamEvent, clef), new CachedFrame(memStreamEvent, frame));

    static ref CachedFrame? SlotOf(MemStreamEvent memStreamEvent, bool clef) =>
        ref (clef ? Clef : Text)[(int)(memStreamEvent.Sequence & (Slots - 1))];

    sealed record CachedFrame(MemStreamEvent Event, byte[] Frame);
}
