using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// One tail client as the stream follower serves it: its subscription, its level, how much its queue holds,
/// the last event it was given or passed over (a position in an entry), whether that entry is known to have
/// been in the stream (so that its absence later means entries were lost), and what it is still to be told
/// (a loss, a gap its instance recorded, an entry that could not be read) right before its next event.
/// Its queue is bounded in events and in bytes (<see cref="MaxQueuedBytes"/>): fleet events can be up to
/// 256 KiB each, and a thousand of them waiting for one slow client would hold 256 MiB. Only the follower's
/// loop changes it.
/// </summary>
internal sealed class FleetTailClient(MemStreamSubscription subscription, LogEventLevel minLevel, int capacity, FleetStreamPosition position, bool positionHeld)
{
    /// <summary>About how much one client's queue may hold (events and their frames) before it is passed over.</summary>
    public const long MaxQueuedBytes = 8 * 1024 * 1024;
    readonly List<(string Message, long Count)> _untold = [];
    // The sizes of the events given and not yet taken from the queue, oldest first: the queue is first in,
    // first out, and never drops (a full client is passed over), so its last Reader.Count are still waiting.
    readonly Queue<int> _queuedSizes = new();
    long _queuedBytes;

    public MemStreamSubscription Subscription => subscription;

    public FleetTailNotices Notices { get; } = new();

    public int Capacity => capacity;

    public FleetStreamPosition Position { get; private set; } = position;

    /// <summary>Whether the entry at <see cref="Position"/> was read from the stream (false at a resume point the stream had already lost, or at the start).</summary>
    public bool PositionHeld { get; set; } = positionHeld;

    /// <summary>The stream lost entries after this position: the client is told right before the first event it gets after it.</summary>
    public FleetStreamPosition? LostAfter { get; set; }

    /// <summary>How many more events its queue takes now (none while it holds <see cref="MaxQueuedBytes"/>): while it is full the client is passed over, and later goes on from where it was.</summary>
    public int Room
    {
        get
        {
            var waiting = subscription.Reader.Count;
            while (_queuedSizes.Count > waiting)
                _queuedBytes -= _queuedSizes.Dequeue();
            return _queuedBytes >= MaxQueuedBytes ? 0 : capacity - waiting;
        }
    }


    /// <summary>
    /// Gives the client the events of one entry that follow its position, as many as its queue takes; false when
    /// its queue filled first (then it goes on from the last event it took). What the entry has to say is told
    /// once, when the client reaches the entry.
    /// </summary>
    public bool TryGive(FleetStreamEntry entry)
    {
        if (entry.Id <= Position)
            return true;
        if (!Position.SameEntry(entry.Id))
        {
            if (LostAfter is { } lost && entry.Id > lost)
            {
                _untold.Add((FleetStreamFollower.StreamLost, FleetTailNotices.UnknownCount));
                LostAfter = null;
            }
            if (entry.Missed > 0)
                _untold.Add(($"{entry.Instance} could not publish {entry.Missed} events before the next of its own (Redis was unreachable or refused them, or its publisher fell behind): they are missing from the fleet's stream; that instance's own tail and store have them.", entry.Missed));
            if (entry.Rejected is { } why)
                _untold.Add((why, entry.RejectedEvents));
            Position = entry.Id with { Index = FleetStreamPosition.EntryStart };
            PositionHeld = true;
        }
        for (var i = Position.Index + 1; i < entry.Events.Count; i++)
        {
            var memStreamEvent = entry.Events[i];
            if (memStreamEvent.LogEvent.Level >= minLevel)
            {
                if (Room <= 0)
                    return false;
                foreach (var (message, count) in _untold)
                    Notices.Missed(memStreamEvent, message, count);
                _untold.Clear();
                subscription.Offer(memStreamEvent);
                var size = entry.EventBytes[i];
                _queuedSizes.Enqueue(size);
                _queuedBytes += size;
            }
            Position = entry.Id with { Index = i };
        }
        Position = entry.Id;
        return true;
    }
}
