using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// An event read back from a fleet's stream: which instance logged it (<see cref="Instance"/>) and its place in
/// the stream (<see cref="StreamId"/>, what a fleet tail resumes after). Its frames carry both; a process's own
/// events are plain <see cref="MemStreamEvent"/>s.
/// </summary>
/// <param name="sequence">The event's sequence number in its instance's sink.</param>
/// <param name="logEvent">The event.</param>
/// <param name="utf8">Its rendering, as its instance published it.</param>
/// <param name="instance">The instance that logged it.</param>
/// <param name="position">Its place in the stream.</param>
public sealed class FleetEvent(long sequence, LogEvent logEvent, ReadOnlyMemory<byte> utf8, string instance, FleetStreamPosition position)
    : MemStreamEvent(sequence, logEvent ?? throw new ArgumentNullException(nameof(logEvent)), utf8)
{
    /// <summary>The instance that logged the event (its <c>InstanceId</c> in the fleet).</summary>
    public string Instance { get; } = instance ?? throw new ArgumentNullException(nameof(instance));

    /// <summary>The event's place in the stream.</summary>
    public FleetStreamPosition Position { get; } = position;

    /// <summary>The event's place in the stream as frames carry it (<c>id</c>) and a tail resumes after it.</summary>
    public string StreamId => Position.ToString();
}
