using System.Text;
using Serilog.Events;
using Serilog.Sinks.MemStream.AspNetCore;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// Follows the fleet's stream for one tail client: reads what follows the last id it saw (<c>XRANGE (id +</c>,
/// 256 at a time, again at once while there is more, else every 100 ms) and offers each event to the
/// client's subscription. While the client's queue is full it waits instead of reading on, so a stalled
/// client costs no parsing. An entry that does not read is skipped. While Redis is unreachable it waits
/// and then resumes from the same id, so the client gets no gap and no duplicate as long as the stream
/// still holds the events. A failure of its own ends the client's tail (said in SelfLog), never the app.
/// </summary>
internal sealed class FleetTailReader
{
    const int PageSize = 256;
    /// <summary>How many of the stream's newest events a client that does not resume sees first.</summary>
    public const int Replay = 1000;
    static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(1);

    readonly IConnectionMultiplexer _redis;
    readonly FleetKeys _keys;
    readonly MemStreamSubscription _subscription;
    readonly int _capacity;
    readonly CancellationTokenSource _stop = new();
    RedisValue _position;

    FleetTailReader(IConnectionMultiplexer redis, FleetKeys keys, MemStreamSubscription subscription, int capacity, RedisValue position)
    {
        _redis = redis;
        _keys = keys;
        _subscription = subscription;
        _capacity = capacity;
        _position = position;
    }

    /// <summary>Opens a client's tail: the replay (or the resume point and whether events after it were trimmed), then the reading in the background.</summary>
    public static async Task<FleetTail> OpenAsync(IConnectionMultiplexer redis, FleetKeys keys, string? afterId, LogEventLevel minLevel, int capacity)
    {
        FleetTailReader? reader = null;
        var subscription = new MemStreamSubscription(after: 0, minLevel, capacity, missed: 0, onDispose: _ => reader?._stop.Cancel());
        var database = redis.GetDatabase();
        string? missed = null;
        if (afterId is null)
        {
            var newest = await database.StreamRangeAsync(keys.Events, "-", "+", Math.Min(Replay, capacity), Order.Descending);
            reader = new FleetTailReader(redis, keys, subscription, capacity, newest.Length > 0 ? newest[0].Id : "0-0");
            foreach (var entry in newest.Reverse())
                reader.Offer(entry);
        }
        else
        {
            // Redis trims a stream from its oldest end: while it still holds the entry resumed after, it holds
            // everything after it. (Trimming does not move XINFO's max-deleted-entry-id, so that cannot tell.)
            if ((await database.StreamRangeAsync(keys.Events, afterId, afterId, 1)).Length == 0)
                missed = $"The fleet's stream no longer holds the event {afterId} (it keeps about its newest StreamLength, and only while Redis keeps it); it goes on from the oldest it holds after it.";
            reader = new FleetTailReader(redis, keys, subscription, capacity, afterId);
        }
        _ = Task.Run(reader.RunAsync);
        return new FleetTail(subscription, missed);
    }

    async Task RunAsync()
    {
        var stopping = _stop.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_subscription.Reader.Count >= _capacity)
                {
                    await Task.Delay(Idle, stopping); // the client is behind: reading on would only parse what it drops
                    continue;
                }
                StreamEntry[] page;
                try
                {
                    page = await _redis.GetDatabase().StreamRangeAsync(_keys.Events, "(" + _position, "+", PageSize);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    await Task.Delay(Outage, stopping);
                    continue;
                }
                foreach (var entry in page)
                    Offer(entry);
                if (page.Length < PageSize)
                    await Task.Delay(Idle, stopping);
            }
        }
        catch (OperationCanceledException)
        {
            // The client is gone. (The source has no timer: nothing to dispose.)
        }
        catch (Exception ex)
        {
            Serilog.Debugging.SelfLog.WriteLine("MemStream: reading the fleet's stream for a live-tail client failed, and that client's tail ends: {0}", ex);
            _subscription.Dispose();
        }
    }

    void Offer(StreamEntry entry)
    {
        _position = entry.Id;
        MemStreamEvent? memStreamEvent;
        try
        {
            memStreamEvent = Read(entry);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or InvalidOperationException)
        {
            memStreamEvent = null; // an entry no MemStream wrote: skipped
        }
        if (memStreamEvent is not null)
            _subscription.Offer(memStreamEvent);
    }

    /// <summary>An entry as an event with its origin; null for one that does not read (another version's, or damaged).</summary>
    static MemStreamEvent? Read(StreamEntry entry)
    {
        var instance = entry["instance"];
        var clef = entry["clef"];
        if (instance.IsNullOrEmpty || clef.IsNullOrEmpty || !entry["seq"].TryParse(out long sequence) || sequence < 1
            || !ClefEventReader.TryRead(clef.ToString(), out var logEvent))
            return null;
        var text = entry["text"];
        return new MemStreamEvent(sequence, logEvent!, text.IsNull ? Encoding.UTF8.GetBytes("") : (byte[])text!,
            new FleetOrigin(instance.ToString(), entry.Id.ToString(), clef.ToString()));
    }
}
