using Serilog.Sinks.MemStream.AspNetCore;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// One entry of the fleet's stream as the follower keeps it, read once for every tail client of this
/// instance: its id (a position after all its events), its events (each carrying its instance and its own
/// position), how many events its instance said it could not publish before them, why (part of) it could not be
/// read when it could not, with how many events that cost when known, and about what it holds in memory,
/// each event (its rendering, its decoded form and the frames made of it) and all together.
/// </summary>
internal sealed record FleetStreamEntry(FleetStreamPosition Id, IReadOnlyList<MemStreamEvent> Events, IReadOnlyList<int> EventBytes, string? Instance, long Missed, string? Rejected, long RejectedEvents)
{
    /// <summary>About what the entry holds in memory.</summary>
    public long Bytes { get; } = 64 + EventBytes.Sum(b => (long)b);
}
