using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// The operations of the <see cref="MemStream"/> facade for one sink name. It resolves the sink on
/// every call, so it can be kept: it follows sinks as they are created and disposed. With no live
/// sink of its name, every call answers empty and never throws.
/// </summary>
public sealed class MemStreamInstance
{
    /// <summary>The default value for <c>limit</c> in paged queries: no limit.</summary>
    public const int NoLimit = int.MaxValue;

    internal MemStreamInstance(string? name)
    {
        Name = name;
    }

    /// <summary>The sink name this instance serves, or null for the default sink.</summary>
    public string? Name { get; }

    /// <summary>True when a live sink of this name exists.</summary>
    public bool IsAvailable => Sink is not null;

    /// <summary>The event property the sink reads correlation ids from (its <c>correlationIdProperty</c>), or <c>CorrelationId</c> with no live sink.</summary>
    public string CorrelationIdProperty => Sink?.CorrelationIdProperty ?? MemStreamSinkOptions.DefaultCorrelationIdProperty;

    MemStreamSink? Sink => SinkRegistry.Resolve(Name);

    /// <summary>The sequence number of the sink's newest event (0 when no sink is live), without a whole <see cref="Status"/>.</summary>
    public long LastSequence => Sink?.LastSequence ?? 0;

    /// <summary>The event's correlation id as this sink reads it (the value of <see cref="CorrelationIdProperty"/> as text), or null when it has none.</summary>
    public string? CorrelationIdOf(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return CorrelationIdText.Of(logEvent, CorrelationIdProperty);
    }

    /// <summary>
    /// The stored events whose correlation id is exactly <paramref name="id"/> or, when <paramref name="id"/>
    /// is a W3C trace id (32 hexadecimal digits, in any case), whose trace id is that one: each event once,
    /// at or above <paramref name="minLevel"/>, in write order, expired ones left out. Includes every event
    /// emitted before the last <see cref="Flush"/>.
    /// </summary>
    public IReadOnlyList<LogEvent> Query(string id, LogEventLevel minLevel = LogEventLevel.Verbose) =>
        Query(id, minLevel, after: 0, limit: NoLimit);

    /// <summary>
    /// One page of <see cref="Query(string, LogEventLevel)"/>: at most <paramref name="limit"/> events whose
    /// sequence number is above <paramref name="after"/>.
    /// </summary>
    public IReadOnlyList<LogEvent> Query(string id, LogEventLevel minLevel, long after, int limit) =>
        QueryPage(id, minLevel, after, limit).Select(stored => stored.LogEvent).ToList();

    /// <summary>
    /// <see cref="Query(string, LogEventLevel, long, int)"/> with each event's sequence number: pass the
    /// last one as <paramref name="after"/> to read the next page.
    /// </summary>
    public IReadOnlyList<MemStreamStoredEvent> QueryPage(string id, LogEventLevel minLevel = LogEventLevel.Verbose, long after = 0, int limit = NoLimit)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // The id's search, as many of its pages as the limit asks for.
        var found = new List<MemStreamStoredEvent>();
        var query = new MemStreamQuery { Id = id, MinLevel = minLevel, After = after };
        while (found.Count < limit)
        {
            var page = Search(query with { Limit = Math.Min(MemStreamQuery.MaxLimit, limit - found.Count) });
            found.AddRange(page.Events);
            if (page.Next is not { } next)
                break;
            query = query with { After = next };
        }
        return found;
    }

    /// <summary>
    /// Stored events that meet every criterion of <paramref name="query"/>, a page at a time. Without an id: events of
    /// every id, newest first (Warning and above found through the store's index of problems, lower levels by reading
    /// the store newest first within the query's budget); pass the page's <see cref="MemStreamSearchPage.Next"/> as
    /// <see cref="MemStreamQuery.Before"/> for the next page. With an id: its history in write order, paged by
    /// <see cref="MemStreamQuery.After"/>. Includes every event emitted before the last <see cref="Flush"/>; events
    /// stored by versions before search existed are found by id only. A query that is not valid throws an
    /// <see cref="ArgumentException"/> naming the property.
    /// </summary>
    public MemStreamSearchPage Search(MemStreamQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Check();
        return Sink?.Search(query) ?? MemStreamSearchPage.Empty;
    }

    /// <summary>
    /// Every event up to this sequence number is in the store if the store takes it (0 with no live sink): a search
    /// with <c>Before</c> one above it and a live tail after it meet with no gap and no duplicate.
    /// </summary>
    internal long StoredThrough => Sink?.StoredThrough ?? 0;

    /// <summary>The correlation ids that have live (unexpired) stored events (trace ids are not listed).</summary>
    public IReadOnlyList<string> CorrelationIds() => Sink?.CorrelationIds() ?? [];

    /// <summary>
    /// The bounded buffer's text, oldest event first. Includes every event whose <c>Emit</c> returned
    /// before the call.
    /// </summary>
    public string Snapshot() => Sink?.Snapshot() ?? "";

    /// <summary>
    /// The buffered events with a sequence number above <paramref name="after"/>, oldest first.
    /// Includes every event whose <c>Emit</c> returned before the call.
    /// </summary>
    public IReadOnlyList<MemStreamEvent> SnapshotEvents(long after = 0) => Sink?.SnapshotEvents(after) ?? [];

    /// <summary>
    /// A live feed of events. With <paramref name="after"/> null: the events emitted from now on.
    /// With a sequence number: first the buffered events above it, then live ones, with no gap and
    /// no duplicate (<c>Events(after: 0)</c> is the snapshot followed by the live tail). With no live
    /// sink, a subscription that is already complete.
    /// </summary>
    public MemStreamSubscription Events(long? after = null) => Events(after, LogEventLevel.Verbose);

    /// <summary>
    /// <see cref="Events(long?)"/> with a minimum level and a queue capacity (null: the sink's
    /// <c>subscriberCapacity</c>, 1024 by default). When the subscriber falls behind by more than
    /// the capacity, its oldest events are dropped and counted in <see cref="MemStreamSubscription.Dropped"/>.
    /// </summary>
    public MemStreamSubscription Events(long? after, LogEventLevel minLevel, int? capacity = null) =>
        Sink?.Events(after, minLevel, capacity) ?? MemStreamSubscription.Completed();

    /// <summary>
    /// Returns when every event emitted before the call has been delivered to the buffer and
    /// subscribers and is durable in the store; while writes to the store fail (a full disk,
    /// <see cref="MemStreamStoreState.Failing"/> in <see cref="Status"/>), once delivered, since the
    /// stored part waits for the disk.
    /// </summary>
    public void Flush() => Sink?.Flush();

    /// <summary>A reading of the sink's counters; <see cref="MemStreamStatus.IsAvailable"/> is false with no live sink.</summary>
    public MemStreamStatus Status() => Sink?.Status() ?? MemStreamStatus.Unavailable;
}
