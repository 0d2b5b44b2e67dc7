using System.Diagnostics.Metrics;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>The fleet's instruments, on MemStream's meter name.</summary>
internal static class FleetMetrics
{
    static readonly Meter Meter = new(MemStream.MeterName);

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("memstream.fleet.published", "{event}", "Events published to the fleet's Redis stream.");
    public static readonly Counter<long> NotSent = Meter.CreateCounter<long>("memstream.fleet.not_sent", "{event}", "Events not published: Redis was unreachable or refused them (reason=unreachable), Redis refused them (reason=refused), the publisher's queue was full (reason=queue-full), or an event could not be encoded (reason=unwritable).");
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("memstream.fleet.rejected", "{item}", "What was read from Redis and skipped as not written by MemStream: stream entries or their events (what=entry), answers to fleet queries (what=answer), query requests over the rate limit or malformed (what=request).");
}
