namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// One client's fleet tail: a subscription that the fleet fills from its stream (each event carrying its
/// instance and stream id); when the client resumed after an id the stream no longer holds, what it missed;
/// and what the fleet tells it later (events the stream lost before the client read them).
/// </summary>
public sealed record FleetTail(MemStreamSubscription Subscription, string? Missed, FleetTailNotices Notices);
