using Serilog.Debugging;
using Serilog.Events;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Publishes every event of the sink to the fleet's stream, off the application's threads: it reads the
/// sink's own subscription (bounded: when Redis is slow the oldest waiting events are dropped and counted)
/// and sends what is waiting (up to 2,048 events) as one pipelined batch of <c>XADD ... MAXLEN ~</c>: fewer round trips kept it from falling behind at 10,000 events/s on two cores, where batches of 256 dropped events. While Redis is unreachable
/// it counts the events it cannot send and says so once in SelfLog; StackExchange.Redis reconnects by itself,
/// and publishing resumes with the next event.
/// </summary>
internal sealed class FleetPublisher(IConnectionMultiplexer redis, MemStreamFleetOptions options, FleetKeys keys, FleetCounters counters, long startAfter)
{
    const int BatchSize = 2048;
    static readonly TimeSpan SinkWait = TimeSpan.FromSeconds(1);
    readonly FleetEntryFields _fields = new(options, counters);
    bool _failing;
    // Where to pick up: the sink's sequence when the fleet started (connecting takes a while), then the
    // last event taken, so that a restarted loop replays from the sink's buffer instead of losing events.
    long _lastTaken = startAfter;

    public async Task RunAsync(CancellationToken stopping)
    {
        var instance = MemStream.Named(options.SinkName);
        var batch = new List<MemStreamEvent>(BatchSize);
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
                counters.AddDropped(subscription.Missed); // no longer buffered when the publisher got to them
            var dropped = 0L;
            try
            {
                while (await subscription.Reader.WaitToReadAsync(stopping))
                {
                    await SendWaitingAsync(subscription, batch, instance.CorrelationIdProperty);
                    if (subscription.Dropped > dropped)
                    {
                        counters.AddDropped(subscription.Dropped - dropped);
                        FleetMetrics.NotSent.Add(subscription.Dropped - dropped, new KeyValuePair<string, object?>("reason", "queue-full"));
                        dropped = subscription.Dropped;
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The app is stopping: what is already waiting are its last lines, and worth sending.
                while (subscription.Reader.Count > 0)
                    await SendWaitingAsync(subscription, batch, instance.CorrelationIdProperty);
                throw;
            }
        }
    }

    async Task SendWaitingAsync(MemStreamSubscription subscription, List<MemStreamEvent> batch, string correlationIdProperty)
    {
        batch.Clear();
        while (batch.Count < BatchSize && subscription.Reader.TryRead(out var memStreamEvent))
            batch.Add(memStreamEvent);
        if (batch.Count == 0)
            return;
        _lastTaken = batch[^1].Sequence;
        await SendAsync(batch, correlationIdProperty);
    }

    async Task SendAsync(List<MemStreamEvent> batch, string correlationIdProperty)
    {
        if (!redis.IsConnected)
        {
            NotSent(batch.Count, "Redis is unreachable", "unreachable");
            return;
        }
        var database = redis.GetDatabase();
        var sends = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                sends[i] = database.StreamAddAsync(keys.Events, _fields.Of(batch[i], correlationIdProperty), maxLength: options.StreamLength, useApproximateMaxLength: true);
            }
            catch (Exception ex)
            {
                // One event that cannot be written as CLEF (a property's ToString throws, say) costs only itself.
                sends[i] = Task.FromException(ex);
            }
        }
        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception ex)
        {
            // Pipelined: some may have gone before the connection failed.
            var failed = sends.Count(s => !s.IsCompletedSuccessfully);
            counters.AddPublished(batch.Count - failed);
            // Redis answering with an error (out of memory, no permission) is not Redis being unreachable.
            var (reason, metricReason) = ex switch
            {
                RedisServerException => ("Redis refused the events: " + ex.Message, "refused"),
                RedisException or TimeoutException => (ex.Message, "unreachable"),
                _ => ("an event could not be written for the stream: " + ex.Message, "unwritable"),
            };
            NotSent(failed, reason, metricReason);
            return;
        }
        counters.AddPublished(batch.Count);
        FleetMetrics.Published.Add(batch.Count);
        if (_failing)
        {
            _failing = false;
            SelfLog.WriteLine("MemStream: publishing to the fleet's Redis works again");
        }
    }

    void NotSent(int count, string reason, string metricReason)
    {
        counters.AddNotSent(count, reason);
        FleetMetrics.NotSent.Add(count, new KeyValuePair<string, object?>("reason", metricReason));
        if (!_failing)
        {
            _failing = true;
            SelfLog.WriteLine("MemStream: publishing to the fleet's Redis fails; events are counted and not sent until it works (the app's own tail and store go on): {0}", reason);
        }
    }
}
