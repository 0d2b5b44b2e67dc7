using Serilog.Debugging;
using Serilog.Events;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Publishes every event of the sink to the fleet's stream, off the application's threads: it reads the
/// sink's own subscription (bounded: when Redis is slow the oldest waiting events are dropped and counted)
/// and sends what is waiting, gathered for up to <see cref="GatherWindow"/>, as one stream entry (<see cref="FleetBatchWriter"/>), a batch per
/// <c>XADD ... MAXLEN ~</c>. The stream is trimmed in entries: each instance sizes the trim by the events its own
/// entries carried of late, so that the stream keeps about <see cref="MemStreamFleetOptions.StreamLength"/> events.
/// Events it could not publish (Redis unreachable or refusing, the queue overflowing, an event it could
/// not encode) are counted, said once in SelfLog, and recorded in the next entry that reaches the stream
/// (<see cref="FleetEntryFormat.Missed"/>), so that fleet tails show the gap where it is, whether or not
/// Redis kept its data. StackExchange.Redis reconnects by itself, and publishing resumes with the next event.
/// </summary>
internal sealed class FleetPublisher(IConnectionMultiplexer redis, MemStreamFleetOptions options, FleetKeys keys, FleetCounters counters, long startAfter)
{
    static readonly TimeSpan SinkWait = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long the first waiting event waits for others to share its entry. Sending as soon as anything waits
    /// made an app under HTTP load send thousands of small entries a second: each a socket write and read in the app
    /// and a command in redis-server, on the cores the app serves from.
    /// </summary>
    internal static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(10);
    readonly FleetBatchWriter _batch = new(options, counters);
    bool _failing;
    // Where to pick up: the sink's sequence when the fleet started (connecting takes a while), then the
    // last event taken, so that a restarted loop replays from the sink's buffer instead of losing events.
    long _lastTaken = startAfter;
    // Events that did not reach the stream since the last entry that did: the next entry says so.
    long _unpublished;
    // Events per entry of late (a moving average), by which the stream's length in entries is set.
    double _eventsPerEntry = 1;
    // What the current subscription had dropped when last counted.
    long _droppedCounted;

    public async Task RunAsync(CancellationToken stopping)
    {
        var instance = MemStream.Named(options.SinkName);
        while (!stopping.IsCancellationRequested)
        {
            if (!instance.IsAvailable)
            {
                await Task.Delay(SinkWait, stopping); // the sink is configured later, or is being replaced
                continue;
            }
            // A sink that started afresh (a new one under the same name) numbers from 1 again.
            var after = _lastTaken <= instance.LastSequence ? _lastTaken : 0;
            using var subscription = instance.Events(after, LogEventLevel.Verbose, options.PublishQueueCapacity);
            if (subscription.Missed > 0)
                Dropped(subscription.Missed); // no longer buffered when the publisher got to them
            _droppedCounted = 0;
            try
            {
                while (await subscription.Reader.WaitToReadAsync(stopping))
                {
                    if (subscription.Reader.Count < FleetEntryFormat.MaxBatchEvents)
                        await Task.Delay(GatherWindow, stopping);
                    await SendWaitingAsync(subscription, instance);
                    // Counted now too, not when the next event comes: the last drops of a burst would wait for it.
                    CountDropped(subscription);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The app is stopping: what is already waiting are its last lines, and worth sending.
                while (subscription.Reader.Count > 0)
                    await SendWaitingAsync(subscription, instance);
                throw;
            }
        }
    }

    /// <summary>Counts what the subscription's full queue dropped since last counted: before each entry, so that the entry that follows a loss says so.</summary>
    void CountDropped(MemStreamSubscription subscription)
    {
        var dropped = subscription.Dropped;
        if (dropped > _droppedCounted)
        {
            Dropped(dropped - _droppedCounted);
            _droppedCounted = dropped;
        }
    }

    void Dropped(long count)
    {
        counters.AddDropped(count);
        FleetMetrics.NotSent.Add(count, new KeyValuePair<string, object?>("reason", "queue-full"));
        _unpublished += count;
    }

    /// <summary>Sends what is waiting, a batch at a time.</summary>
    async Task SendWaitingAsync(MemStreamSubscription subscription, MemStreamInstance instance)
    {
        while (true)
        {
            while (!_batch.IsFull && subscription.Reader.TryRead(out var memStreamEvent))
            {
                _lastTaken = memStreamEvent.Sequence;
                try
                {
                    _batch.Add(memStreamEvent, instance);
                }
                catch (Exception ex)
                {
                    // One event that cannot be encoded (a value of a type whose conversion throws, say) costs only itself.
                    NotSent(1, "an event could not be written for the stream: " + ex.Message, "unwritable");
                }
            }
            if (_batch.Count == 0)
                return;
            // Under sustained overload the queue never empties: drops are counted batch by batch, not once it has.
            CountDropped(subscription);
            await SendAsync();
        }
    }

    async Task SendAsync()
    {
        var count = _batch.Count;
        var missed = _unpublished;
        var (fields, rented) = _batch.Take(missed);
        try
        {
            if (!redis.IsConnected)
            {
                NotSent(count, "Redis is unreachable", "unreachable");
                return;
            }
            _eventsPerEntry = 0.9 * _eventsPerEntry + 0.1 * count;
            var maxLength = (int)Math.Clamp(Math.Ceiling(options.StreamLength / Math.Max(1, _eventsPerEntry)), 1, options.StreamLength);
            try
            {
                // Exact trimming: with one entry per batch it removes about one entry per XADD, and "~" would keep whole
                // nodes of 100 entries (each up to 512 KiB) past the length asked.
                await redis.GetDatabase().StreamAddAsync(keys.Events, fields, maxLength: maxLength, useApproximateMaxLength: false);
            }
            catch (Exception ex)
            {
                // Redis answering with an error (out of memory, no permission) is not Redis being unreachable.
                var (reason, metricReason) = ex is RedisServerException ? ("Redis refused the events: " + ex.Message, "refused") : (ex.Message, "unreachable");
                NotSent(count, reason, metricReason);
                return;
            }
        }
        finally
        {
            FleetBatchWriter.Return(rented);
        }
        _unpublished -= missed;
        counters.AddPublished(count);
        FleetMetrics.Published.Add(count);
        if (_failing)
        {
            _failing = false;
            SelfLog.WriteLine("MemStream: publishing to the fleet's Redis works again");
        }
    }

    void NotSent(int count, string reason, string metricReason)
    {
        counters.AddNotSent(count, reason);
        _unpublished += count;
        FleetMetrics.NotSent.Add(count, new KeyValuePair<string, object?>("reason", metricReason));
        if (!_failing)
        {
            _failing = true;
            SelfLog.WriteLine("MemStream: publishing to the fleet's Redis fails; events are counted and not sent until it works (the app's own tail and store go on): {0}", reason);
        }
    }
}
