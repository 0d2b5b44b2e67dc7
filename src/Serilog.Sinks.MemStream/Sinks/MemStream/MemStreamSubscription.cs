using System.Threading.Channels;
using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// A live feed of a sink's events for one reader, with a bounded queue of its own. When the reader
/// falls behind and the queue is full, its oldest queued events are dropped and counted in
/// <see cref="Dropped"/>; the sink never waits for a subscriber. Dispose to stop receiving.
/// </summary>
public sealed class MemStreamSubscription : IDisposable
{
    readonly Channel<MemStreamEvent> _channel;
    readonly long _after;
    readonly LogEventLevel _minLevel;
    Action<MemStreamSubscription>? _onDispose;
    long _dropped;
    int _disposed;
    // Made with the public constructor: its creator feeds it (Offer), not a sink.
    readonly bool _fed;

    /// <summary>
    /// A subscription that its creator feeds with <see cref="Offer"/>, not a sink: how a package that reads events from
    /// elsewhere (the fleet's stream) hands them to the live tail. It keeps at most <paramref name="capacity"/> events
    /// (then drops its oldest, counted), takes those at <paramref name="minLevel"/> or above, and calls
    /// <paramref name="onDispose"/> once when disposed, so that its feeder can stop.
    /// </summary>
    public MemStreamSubscription(int capacity, LogEventLevel minLevel = LogEventLevel.Verbose, Action<MemStreamSubscription>? onDispose = null)
        : this(after: 0, minLevel, PositiveCapacity(capacity), missed: 0, onDispose)
    {
        _fed = true;
    }

    static int PositiveCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return capacity;
    }

    internal MemStreamSubscription(long after, LogEventLevel minLevel, int capacity, long missed, Action<MemStreamSubscription>? onDispose,
        KeyValuePair<string, object?> sinkTag = default)
    {
        Missed = missed;
        _after = after;
        _minLevel = minLevel;
        _onDispose = onDispose;
        _channel = Channel.CreateBounded<MemStreamEvent>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = false,
                SingleWriter = false,
            },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                if (sinkTag.Key is null)
                    MemStreamMetrics.SubscriberDrops.Add(1);
                else
                    MemStreamMetrics.SubscriberDrops.Add(1, sinkTag);
            });
    }

    /// <summary>A subscription that is already complete: what the facade answers when no sink is live.</summary>
    internal static MemStreamSubscription Completed()
    {
        var subscription = new MemStreamSubscription(0, LogEventLevel.Verbose, 1, 0, null);
        subscription.Dispose();
        return subscription;
    }

    /// <summary>
    /// The events, in sequence order. The reader completes when the subscription or its sink is disposed.
    /// </summary>
    public ChannelReader<MemStreamEvent> Reader => _channel.Reader;

    /// <summary>How many events this subscriber lost because its queue was full (the oldest go first).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// How many events after the requested starting point had already left the bounded buffer when
    /// the subscription began, so it could not replay them (0 when it started from "now" or nothing was evicted).
    /// </summary>
    public long Missed { get; }

    /// <summary>Stops the feed and completes <see cref="Reader"/>. Safe to call more than once, from any thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;

        Interlocked.Exchange(ref _onDispose, null)?.Invoke(this);
        _channel.Writer.TryComplete();
    }

    /// <summary>
    /// Queues the event for the reader of a subscription made with the public constructor, if it is at its minimum
    /// level; does nothing once it is disposed. Never blocks: a full queue drops its oldest. Any thread may offer;
    /// the reader gets the events in the order they were offered. A sink's own subscriptions are fed by their sink
    /// alone, in its sequence order: offering to one throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public void Offer(MemStreamEvent memStreamEvent)
    {
        ArgumentNullException.ThrowIfNull(memStreamEvent);
        if (!_fed)
            throw new InvalidOperationException("MemStream: this subscription is a sink's, fed by the sink alone; Offer is for subscriptions made with new MemStreamSubscription(capacity, ...).");
        Deliver(memStreamEvent);
    }

    /// <summary>Queues the event if this subscription wants it. Never blocks: a full queue drops its oldest.</summary>
    internal void Deliver(MemStreamEvent memStreamEvent)
    {
        if (memStreamEvent.Sequence <= _after || memStreamEvent.LogEvent.Level < _minLevel)
            return;

        _channel.Writer.TryWrite(memStreamEvent);
    }

    /// <summary>Ends the feed because the sink is going away.</summary>
    internal void Complete()
    {
        _onDispose = null;
        _channel.Writer.TryComplete();
    }
}
