using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>One fleet query: the id (a correlation id, or a trace id when <see cref="IsTraceId"/>), the level and the most events per instance.</summary>
/// <param name="Id">The correlation id or trace id asked for.</param>
/// <param name="IsTraceId">Whether the endpoint was asked for a trace id (<c>traceId=</c>) rather than a correlation id.</param>
/// <param name="MinLevel">The lowest level of the events wanted.</param>
/// <param name="Limit">The most events each instance answers with.</param>
public sealed record FleetQuery(string Id, bool IsTraceId, LogEventLevel MinLevel, int Limit);
