using Serilog.Events;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>One event a search found: the event, and as an endpoint sent it, its CLEF, the correlation id it named and (from a fleet) its instance.</summary>
sealed record FoundEvent(LogEvent LogEvent, string? Clef, string? CorrelationId, string? Instance = null);
