namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// One page of a store query: its events in write order, and whether the store stopped before the end (at the
/// page's event limit or its byte bound), so that more may follow after the last event's sequence number.
/// </summary>
internal sealed record StoredPage(IReadOnlyList<MemStreamStoredEvent> Events, bool MayHaveMore);
