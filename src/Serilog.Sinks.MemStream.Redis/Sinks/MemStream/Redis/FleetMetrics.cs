using System.Diagnostics.Metrics;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>The fleet's instruments, on MemStream's meter name.</summary>
internal static class FleetMetrics
{
    static readonly Meter Meter = new(MemStreamMetrics.MeterName);

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("memstream.fleet.published", "{event}", "Events published to the fleet's Redis stream.");
    public static readonly Counter<long> NotSent = Meter.CreateCounter<long>("memstream.fleet.not_sent", "{event}", "Events not published: Redis was unreachable or refused them (reason=unreachable), Redis refused them (reason=refused), the publisher's queue was full (reason=queue-full), or an event could not be written as CLEF (reason=unwritable).");
}
