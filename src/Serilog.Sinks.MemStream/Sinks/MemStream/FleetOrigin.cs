namespace Serilog.Sinks.MemStream;

/// <summary>Where an event of a fleet's stream came from: the instance that logged it and its place in the stream (to resume after).</summary>
internal sealed record FleetOrigin(string Instance, string StreamId);
