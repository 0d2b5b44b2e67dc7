using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// One tail client as the stream follower serves it: its subscription, its level, how much its queue holds,
/// the last stream entry it was given (or passed over), whether that entry is known to have been in the
/// stream (so that its absence later means entries were lost), and a loss it is still to be told about.
/// Only the follower's loop changes it.
/// </summary>
internal sealed class FleetTailClient(MemStreamSubscription subscription, LogEventLevel minLevel, int capacity, StreamPosition position, bool positionHeld)
{
    public MemStreamSubscription Subscription => subscription;

    public FleetTailNotices Notices { get; } = new();

    public int Capacity => capacity;

    public StreamPosition Position { get; set; } = position;

    /// <summary>Whether the entry at <see cref="Position"/> was read from the stream (false at a resume point the stream had already lost, or at the start).</summary>
    public bool PositionHeld { get; set; } = positionHeld;

    /// <summary>The stream lost entries after this position: the client is told right before the first event it gets after it.</summary>
    public StreamPosition? LostAfter { get; set; }

    /// <summary>How many more events its queue takes now: while it is full the client is passed over, and later goes on from where it was.</summary>
    public int Room => capacity - subscription.Reader.Count;

    /// <summary>Gives the client one entry of the stream; false when its queue is full (then the entry is not taken).</summary>
    public bool TryGive(in FleetStreamEntry entry)
    {
        if (entry.Event is { } memStreamEvent && memStreamEvent.LogEvent.Level >= minLevel)
        {
            if (Room <= 0)
                return false;
            if (LostAfter is { } lost && entry.Position > lost)
            {
                Notices.Missed(memStreamEvent, FleetStreamFollower.StreamLost);
                LostAfter = null;
            }
            subscription.Offer(memStreamEvent);
        }
        Position = entry.Position;
        PositionHeld = true;
        return true;
    }
}
