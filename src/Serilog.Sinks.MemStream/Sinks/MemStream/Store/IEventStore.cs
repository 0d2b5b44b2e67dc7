using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>Where the sink keeps events that carry a correlation id beyond the buffer's reach.</summary>
internal interface IEventStore : IDisposable
{
    /// <summary>The highest sequence number the store has recorded; the sink continues after it.</summary>
    long LastSequence { get; }

    /// <summary>Takes one rendered event; called on the sink's worker thread only, so it must not wait on the disk.</summary>
    void Add(MemStreamEvent memStreamEvent);

    /// <summary>Returns once every event added before the call is durable.</summary>
    void Flush();

    StoredPage Query(string id, LogEventLevel minLevel, long after, int limit, long maxBytes);

    /// <summary>A checked query's page (<see cref="MemStreamQuery.Checked"/>).</summary>
    MemStreamSearchPage Search(MemStreamQuery query);

    IReadOnlyList<string> CorrelationIds();

    StoreStatistics Statistics();
}
