namespace Serilog.Sinks.MemStream;

/// <summary>One page of a <see cref="MemStreamInstance.Search"/>.</summary>
/// <param name="Events">
/// The events found: newest first when the query named no id; in write order for an id's history. Fewer than the
/// query's limit (even none) when the search ran out of its budget: go on with <paramref name="Next"/>.
/// </param>
/// <param name="Next">
/// Where the next page starts, or null when nothing more matches: the query's <see cref="MemStreamQuery.Before"/>
/// (or, for an id's history, its <see cref="MemStreamQuery.After"/>) for the next call.
/// </param>
/// <param name="Scanned">How many stored events this page examined.</param>
public sealed record MemStreamSearchPage(IReadOnlyList<MemStreamStoredEvent> Events, long? Next, long Scanned)
{
    /// <summary>No events and nothing more: what a sink without a store answers.</summary>
    public static MemStreamSearchPage Empty { get; } = new([], null, 0);
}
