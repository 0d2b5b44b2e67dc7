using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>A stored event with its sequence number, as <see cref="MemStreamInstance.QueryPage"/> returns it.</summary>
/// <param name="Sequence">The sink's sequence number for the event; page on with <c>after: Sequence</c>.</param>
/// <param name="LogEvent">The event as read back from the store.</param>
public sealed record MemStreamStoredEvent(long Sequence, LogEvent LogEvent);
