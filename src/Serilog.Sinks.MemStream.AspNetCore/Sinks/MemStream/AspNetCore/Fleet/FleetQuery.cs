using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>One fleet query: the id (a correlation id, or a trace id when <see cref="IsTraceId"/>), the level and the most events per instance.</summary>
public sealed record FleetQuery(string Id, bool IsTraceId, LogEventLevel MinLevel, int Limit);
