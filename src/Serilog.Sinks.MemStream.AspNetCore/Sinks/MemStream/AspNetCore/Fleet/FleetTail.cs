namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// One client's fleet tail: a subscription that the fleet fills from its stream (each event carrying its
/// instance and stream id); when the client resumed after an id the stream no longer holds, what it missed;
/// and what the fleet tells it later (events the stream lost before the client read them).
/// </summary>
/// <param name="Subscription">The client's queue of the fleet's events (<see cref="FleetEvent"/>s), fed by the fleet; disposing it stops the reading.</param>
/// <param name="Missed">Why events the client asked for are gone (it resumed after an id the stream no longer holds), or null.</param>
/// <param name="Notices">Gaps the fleet finds later, each told right before the first event after it.</param>
public sealed record FleetTail(MemStreamSubscription Subscription, string? Missed, FleetTailNotices Notices);
