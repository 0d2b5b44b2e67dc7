namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One page of a store query: its events in write order, and whether the store stopped before the end (at the
/// page's event limit or its byte bound), so that more may follow after the last event's sequence number.
/// </summary>
internal sealed record StoredPage(IReadOnlyList<MemStreamStoredEvent> Events, bool MayHaveMore)
{
    /// <summary>
    /// About how many bytes of stored events a page holds at most, whatever its event limit: 4 MiB. A query
    /// answer then stays a few MiB however large its events are; a single event larger than this is still
    /// returned, alone on its page.
    /// </summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public static readonly StoredPage Empty = new([], false);
}
