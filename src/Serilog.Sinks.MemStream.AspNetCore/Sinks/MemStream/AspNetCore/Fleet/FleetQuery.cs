namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// One fleet query: what every instance is asked for. With an id, each instance's stored events of that id in write
/// order (the <c>query</c> endpoint's <c>fleet=true</c>); without, a search of every id, newest first (the
/// <c>search</c> endpoint's). The query's <see cref="MemStreamQuery.Limit"/> is the most events each instance answers with.
/// </summary>
/// <param name="Query">The criteria, as each instance's <see cref="MemStreamInstance.Search"/> takes them.</param>
/// <param name="IsTraceId">Whether the endpoint was asked for a trace id (<c>traceId=</c>) rather than a correlation id.</param>
public sealed record FleetQuery(MemStreamQuery Query, bool IsTraceId = false);
