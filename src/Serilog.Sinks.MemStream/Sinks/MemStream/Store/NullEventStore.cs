using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>The store of a sink configured with <c>durable: false</c>: keeps nothing, answers empty.</summary>
internal sealed class NullEventStore : IEventStore
{
    public static readonly NullEventStore Instance = new();

    public void Add(MemStreamEvent memStreamEvent) { }

    public void Flush() { }

    public IReadOnlyList<LogEvent> Query(string correlationId, LogEventLevel minLevel, long after, int limit) => [];

    public IReadOnlyList<string> CorrelationIds() => [];

    public void Dispose() { }
}
