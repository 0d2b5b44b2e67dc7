namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The fleet's engine (Redis) cannot be reached; the endpoints answer 503 with the message.</summary>
public sealed class FleetUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
