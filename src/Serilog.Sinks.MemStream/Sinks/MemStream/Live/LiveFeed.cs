using Serilog.Events;

namespace Serilog.Sinks.MemStream.Live;

/// <summary>
/// The in-memory half of a sink: the bounded buffer of recent events and the live subscribers.
/// One lock orders publishing against subscribing, so a new subscriber receives the buffered
/// events after its starting point and then every later event, with no gap and no duplicate.
/// </summary>
internal sealed class LiveFeed
{
    readonly object _gate = new();
    readonly RecentEventBuffer _buffer;
    MemStreamSubscription[] _subscribers = [];
    long _lastPublished;
    bool _completed;

    readonly KeyValuePair<string, object?> _sinkTag;

    public LiveFeed(int bufferSizeBytes, long initialSequence, KeyValuePair<string, object?> sinkTag)
    {
        _sinkTag = sinkTag;
        _lastPublished = initialSequence;
        _buffer = new RecentEventBuffer(bufferSizeBytes);
    }

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    public void Publish(MemStreamEvent memStreamEvent)
    {
        lock (_gate)
        {
            var evictions = _buffer.Evictions;
            _buffer.Append(memStreamEvent);
            if (_buffer.Evictions != evictions)
                MemStreamMetrics.BufferEvictions.Add(_buffer.Evictions - evictions, _sinkTag);
            _lastPublished = memStreamEvent.Sequence;
            foreach (var subscriber in _subscribers)
                subscriber.Deliver(memStreamEvent);
        }
    }

    /// <summary>
    /// A subscription that first receives the buffered events with a sequence number above
    /// <paramref name="after"/>, then live ones. Its queue holds at least that backlog, which the
    /// buffer's size bounds, so joining never drops part of the snapshot.
    /// </summary>
    public MemStreamSubscription Subscribe(long after, LogEventLevel minLevel, int capacity)
    {
        lock (_gate)
        {
            var backlog = _buffer.EventsAfter(after);
            var firstAvailable = backlog.Count > 0 ? backlog[0].Sequence : _lastPublished + 1;
            var missed = Math.Max(0, firstAvailable - after - 1);
            var subscription = new MemStreamSubscription(after, minLevel, Math.Max(capacity, backlog.Count), missed, Unsubscribe, _sinkTag);
            if (_completed)
            {
                subscription.Complete();
                return subscription;
            }

            foreach (var buffered in backlog)
                subscription.Deliver(buffered);
            _subscribers = [.. _subscribers, subscription];
            return subscription;
        }
    }

    public string SnapshotText()
    {
        lock (_gate)
            return _buffer.Text();
    }

    public IReadOnlyList<MemStreamEvent> SnapshotEvents(long after)
    {
        lock (_gate)
            return _buffer.EventsAfter(after);
    }

    public BufferStatistics BufferStatistics()
    {
        lock (_gate)
            return new BufferStatistics(_buffer.Count, _buffer.SizeBytes, _buffer.Evictions, _buffer.OldestSequence);
    }

    /// <summary>Completes every subscriber; later subscriptions complete at once.</summary>
    public void Complete()
    {
        MemStreamSubscription[] subscribers;
        lock (_gate)
        {
            _completed = true;
            subscribers = _subscribers;
            _subscribers = [];
        }
        foreach (var subscriber in subscribers)
            subscriber.Complete();
    }

    void Unsubscribe(MemStreamSubscription subscription)
    {
        lock (_gate)
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscription));
    }
}
