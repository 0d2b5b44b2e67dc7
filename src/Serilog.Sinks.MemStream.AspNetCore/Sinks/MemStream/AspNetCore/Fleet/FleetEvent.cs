using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// An event read back from a fleet's stream: which instance logged it (<see cref="Instance"/>) and its place in
/// the stream (<see cref="StreamId"/>, what a fleet tail resumes after). Its frames carry both; a process's own
/// events are plain <see cref="MemStreamEvent"/>s.
/// </summary>
public sealed class FleetEvent(long sequence, LogEvent logEvent, ReadOnlyMemory<byte> utf8, string instance, string streamId)
    : MemStreamEvent(sequence, logEvent, utf8)
{
    /// <summary>The instance that logged the event (its <c>InstanceId</c> in the fleet).</summary>
    public string Instance { get; } = instance;

    /// <summary>The event's place in the stream, as <see cref="FleetStreamPosition.ToString"/> writes it.</summary>
    public string StreamId { get; } = streamId;
}
