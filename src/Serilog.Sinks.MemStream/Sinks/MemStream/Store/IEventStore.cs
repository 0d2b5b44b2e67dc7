
namespace Serilog.Sinks.MemStream.Store;

/// <summary>Where the sink keeps events that carry a correlation id beyond the buffer's reach.</summary>
internal interface IEventStore : IDisposable
{
    /// <summary>The highest sequence number the store has recorded; the sink continues after it.</summary>
    long LastSequence { get; }

    /// <summary>Every event up to this sequence number that the store takes is readable (or was given up); <see cref="long.MaxValue"/> for a store that takes none.</summary>
    long WrittenThrough { get; }

    /// <summary>Takes one rendered event; called on the sink's worker thread only, so it must not wait on the disk.</summary>
    void Add(MemStreamEvent memStreamEvent);

    /// <summary>Returns once every event added before the call is durable.</summary>
    void Flush();

    /// <summary>A checked query's page (<see cref="MemStreamQuery.Check"/>).</summary>
    MemStreamSearchPage Search(MemStreamQuery query);

    IReadOnlyList<string> CorrelationIds();

    StoreStatistics Statistics();
}
