namespace Serilog.Sinks.MemStream.Store;

/// <summary>A correlation id with live events in a store: how many, and the first and last event's time.</summary>
internal sealed record StoredIdSummary(string Id, int Events, DateTimeOffset First, DateTimeOffset Last);
