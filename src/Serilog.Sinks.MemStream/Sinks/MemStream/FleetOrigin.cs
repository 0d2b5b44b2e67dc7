namespace Serilog.Sinks.MemStream;

/// <summary>Where an event of a fleet's stream came from: the instance that logged it, its stream id (to resume after) and its CLEF as published.</summary>
internal sealed record FleetOrigin(string Instance, string StreamId, string Clef);
